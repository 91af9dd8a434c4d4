import { z } from 'zod';

/**
 * The llama-server options a tenant may set, each typed and bounded. This is an allowlist, never a
 * free-form command line: options that open files, sockets or tools (`--tools`, `--api-key*`,
 * `--path`, `--webui*`, `--slot-save-path`, `--media-path`, `--models-*`, `--lora`,
 * `--control-vector`, hosts and ports) are the platform's or forbidden, and anything not listed
 * here is refused with the field named. `threads` is further bounded by the cores of the node a
 * deployment is placed on (the scheduler only places it where they suffice).
 */
const CACHE_TYPES = ['f32', 'f16', 'bf16', 'q8_0', 'q4_0', 'q4_1', 'iq4_nl', 'q5_0', 'q5_1'] as const;
const CHAT_TEMPLATES = [
  'chatglm3', 'chatglm4', 'chatml', 'command-r', 'deepseek', 'deepseek2', 'deepseek3', 'exaone3', 'falcon3', 'gemma', 'gigachat',
  'glmedge', 'granite', 'llama2', 'llama2-sys', 'llama3', 'llama4', 'megrez', 'minicpm', 'mistral-v1', 'mistral-v3', 'mistral-v3-tekken',
  'mistral-v7', 'mistral-v7-tekken', 'monarch', 'openchat', 'orion', 'phi3', 'phi4', 'rwkv-world', 'smolvlm', 'vicuna', 'vicuna-orca', 'yandex', 'zephyr',
] as const;

const int = (min: number, max: number) => z.number().int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
const num = (min: number, max: number) => z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

/** How an option becomes llama-server flags. */
type Flag = { kind: 'value'; flag: string } | { kind: 'switch'; flag: string } | { kind: 'toggle'; on: string; off: string };
const value = (flag: string): Flag => ({ kind: 'value', flag });
const onlyWhenTrue = (flag: string): Flag => ({ kind: 'switch', flag });
const toggle = (on: string, off: string): Flag => ({ kind: 'toggle', on, off });
const option = <S extends z.ZodType>(schema: S, flag: Flag) => ({ schema, flag });

// One row per option: its type and bounds, and its flag.
const OPTIONS = {
  flash_attn: option(z.enum(['on', 'off', 'auto']), value('--flash-attn')),
  cache_type_k: option(z.enum(CACHE_TYPES), value('--cache-type-k')),
  cache_type_v: option(z.enum(CACHE_TYPES), value('--cache-type-v')),
  n_gpu_layers: option(int(0, 999), value('--n-gpu-layers')),
  reasoning_format: option(z.enum(['none', 'deepseek', 'deepseek-legacy', 'auto']), value('--reasoning-format')),
  reasoning_budget: option(int(-1, 1_000_000), value('--reasoning-budget')),
  chat_template: option(z.enum(CHAT_TEMPLATES), value('--chat-template')),
  jinja: option(z.boolean(), toggle('--jinja', '--no-jinja')),
  threads: option(int(1, 256), value('--threads')),
  // Larger batches only buy memory pressure; llama.cpp's own ceiling for useful values.
  batch_size: option(int(1, 8192), value('--batch-size')),
  ubatch_size: option(int(1, 8192), value('--ubatch-size')),
  n_predict: option(int(-1, 1_000_000), value('--n-predict')),
  mlock: option(z.boolean(), onlyWhenTrue('--mlock')),
  no_mmap: option(z.boolean(), onlyWhenTrue('--no-mmap')),
  cont_batching: option(z.boolean(), toggle('--cont-batching', '--no-cont-batching')),
  cache_reuse: option(int(0, 1_000_000), value('--cache-reuse')),
  context_shift: option(z.boolean(), toggle('--context-shift', '--no-context-shift')),
  temperature: option(num(0, 2), value('--temp')),
  top_k: option(int(0, 1000), value('--top-k')),
  top_p: option(num(0, 1), value('--top-p')),
  min_p: option(num(0, 1), value('--min-p')),
  repeat_penalty: option(num(0, 10), value('--repeat-penalty')),
  seed: option(int(-1, 2 ** 31 - 1), value('--seed')),
};

type Shape = { [K in keyof typeof OPTIONS]: z.ZodOptional<(typeof OPTIONS)[K]['schema']> };

export const llamaArgs = z
  .object(Object.fromEntries(Object.entries(OPTIONS).map(([name, { schema }]) => [name, schema.optional()])) as Shape)
  .strict();

export type LlamaArgs = z.infer<typeof llamaArgs>;

/** llama-server flags for validated options, in a stable order. */
export function llamaArgsToFlags(args: LlamaArgs): string[] {
  const out: string[] = [];
  for (const [name, { flag }] of Object.entries(OPTIONS)) {
    const given = args[name as keyof LlamaArgs];
    if (given === undefined) continue;
    if (flag.kind === 'value') out.push(flag.flag, String(given));
    else if (flag.kind === 'switch') {
      if (given === true) out.push(flag.flag);
    } else out.push(given ? flag.on : flag.off);
  }
  return out;
}
