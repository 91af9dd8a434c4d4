import { z } from 'zod';

/**
 * The llama-server options a tenant may set, each typed and bounded. This is an allowlist, never a
 * free-form command line: options that touch the host (paths, hosts, ports, keys, slots files)
 * are the platform's, and anything not listed here is refused with the field named.
 */
const CACHE_TYPES = ['f32', 'f16', 'bf16', 'q8_0', 'q4_0', 'q4_1', 'iq4_nl', 'q5_0', 'q5_1'] as const;
const CHAT_TEMPLATES = [
  'chatglm3', 'chatglm4', 'chatml', 'command-r', 'deepseek', 'deepseek2', 'deepseek3', 'exaone3', 'falcon3', 'gemma', 'gigachat',
  'glmedge', 'granite', 'llama2', 'llama2-sys', 'llama3', 'llama4', 'megrez', 'minicpm', 'mistral-v1', 'mistral-v3', 'mistral-v3-tekken',
  'mistral-v7', 'mistral-v7-tekken', 'monarch', 'openchat', 'orion', 'phi3', 'phi4', 'rwkv-world', 'smolvlm', 'vicuna', 'vicuna-orca', 'yandex', 'zephyr',
] as const;

const int = (min: number, max: number) => z.number().int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
const num = (min: number, max: number) => z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

export const llamaArgs = z
  .object({
    flash_attn: z.enum(['on', 'off', 'auto']).optional(),
    cache_type_k: z.enum(CACHE_TYPES).optional(),
    cache_type_v: z.enum(CACHE_TYPES).optional(),
    n_gpu_layers: int(0, 999).optional(),
    reasoning_format: z.enum(['none', 'deepseek', 'deepseek-legacy', 'auto']).optional(),
    reasoning_budget: int(-1, 1_000_000).optional(),
    chat_template: z.enum(CHAT_TEMPLATES).optional(),
    jinja: z.boolean().optional(),
    threads: int(1, 256).optional(),
    batch_size: int(1, 65_536).optional(),
    ubatch_size: int(1, 65_536).optional(),
    n_predict: int(-1, 1_000_000).optional(),
    mlock: z.boolean().optional(),
    no_mmap: z.boolean().optional(),
    cont_batching: z.boolean().optional(),
    cache_reuse: int(0, 1_000_000).optional(),
    context_shift: z.boolean().optional(),
    temperature: num(0, 2).optional(),
    top_k: int(0, 1000).optional(),
    top_p: num(0, 1).optional(),
    min_p: num(0, 1).optional(),
    repeat_penalty: num(0, 10).optional(),
    seed: int(-1, 2 ** 31 - 1).optional(),
  })
  .strict();

export type LlamaArgs = z.infer<typeof llamaArgs>;

type Flag = { flag: string; kind: 'value' } | { flag: string; kind: 'switch' } | { on: string; off: string; kind: 'toggle' };

// One row per option: how it becomes llama-server flags.
const FLAGS: { [K in keyof Required<LlamaArgs>]: Flag } = {
  flash_attn: { flag: '--flash-attn', kind: 'value' },
  cache_type_k: { flag: '--cache-type-k', kind: 'value' },
  cache_type_v: { flag: '--cache-type-v', kind: 'value' },
  n_gpu_layers: { flag: '--n-gpu-layers', kind: 'value' },
  reasoning_format: { flag: '--reasoning-format', kind: 'value' },
  reasoning_budget: { flag: '--reasoning-budget', kind: 'value' },
  chat_template: { flag: '--chat-template', kind: 'value' },
  jinja: { on: '--jinja', off: '--no-jinja', kind: 'toggle' },
  threads: { flag: '--threads', kind: 'value' },
  batch_size: { flag: '--batch-size', kind: 'value' },
  ubatch_size: { flag: '--ubatch-size', kind: 'value' },
  n_predict: { flag: '--n-predict', kind: 'value' },
  mlock: { flag: '--mlock', kind: 'switch' },
  no_mmap: { flag: '--no-mmap', kind: 'switch' },
  cont_batching: { on: '--cont-batching', off: '--no-cont-batching', kind: 'toggle' },
  cache_reuse: { flag: '--cache-reuse', kind: 'value' },
  context_shift: { on: '--context-shift', off: '--no-context-shift', kind: 'toggle' },
  temperature: { flag: '--temp', kind: 'value' },
  top_k: { flag: '--top-k', kind: 'value' },
  top_p: { flag: '--top-p', kind: 'value' },
  min_p: { flag: '--min-p', kind: 'value' },
  repeat_penalty: { flag: '--repeat-penalty', kind: 'value' },
  seed: { flag: '--seed', kind: 'value' },
};

/** llama-server flags for validated options, in a stable order. */
export function llamaArgsToFlags(args: LlamaArgs): string[] {
  const out: string[] = [];
  for (const [name, spec] of Object.entries(FLAGS) as [keyof LlamaArgs, Flag][]) {
    const value = args[name];
    if (value === undefined) continue;
    if (spec.kind === 'value') out.push(spec.flag, String(value));
    else if (spec.kind === 'switch') {
      if (value === true) out.push(spec.flag);
    } else out.push(value ? spec.on : spec.off);
  }
  return out;
}
