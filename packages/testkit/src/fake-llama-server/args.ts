/**
 * llama-server's command line: the same flag names, the same split between flags that take a value and
 * flags that do not, the same LLAMA_ARG_* environment fallbacks and the same error wording, so a caller
 * that builds a wrong command line fails here the way it would against the real binary.
 */

export interface ServerArgs {
  host: string;
  port: number;
  model?: string;
  alias?: string;
  hfRepo?: string;
  hfFile?: string;
  modelUrl?: string;
  /** Total context; 0 means "the model's training context". */
  ctxSize: number;
  /** Slots; -1 means "auto". */
  parallel: number;
  /** Share of a new prompt a slot's cached prompt must cover for the request to go there; 0 turns it off. */
  slotPromptSimilarity: number;
  apiKeys: string[];
  apiKeyFile?: string;
  embeddings: boolean;
  reranking: boolean;
  metrics: boolean;
  slots: boolean;
  webui: boolean;
  gpuLayers?: number;
  flashAttn: string;
  cacheTypeK: string;
  cacheTypeV: string;
  jinja: boolean;
  reasoningFormat: string;
  chatTemplate?: string;
  threads: number;
  logDisable: boolean;
}

export type ParseResult =
  | { kind: 'run'; args: ServerArgs }
  | { kind: 'help'; text: string }
  | { kind: 'version'; text: string }
  | { kind: 'error'; message: string };

/** What the fake reports as its llama.cpp build (system_fingerprint, /props build_info, --version). */
export const BUILD_INFO = 'b6000-fake0000';
const VERSION_TEXT = 'version: 6000 (fake0000)\nbuilt with node for fake-llama-server';

const CACHE_TYPES = ['f32', 'f16', 'bf16', 'q8_0', 'q4_0', 'q4_1', 'iq4_nl', 'q5_0', 'q5_1'];

interface FlagSpec {
  names: string[];
  env?: string;
  help: string;
  /** Flags without `value` take no argument. */
  value?: string;
  apply: (args: ServerArgs, value: string) => void;
}

/** Thrown by value parsers; the message mirrors what llama.cpp's C++ conversions report. */
class ValueError extends Error {}

function int(value: string): number {
  // std::stoi accepts a leading integer and reports a bare "stoi" when there is none.
  const match = /^\s*[-+]?\d+/.exec(value);
  if (!match) throw new ValueError('stoi');
  return Number.parseInt(match[0], 10);
}

function float(value: string): number {
  // std::stof reads a leading decimal number and reports a bare "stof" when there is none.
  const match = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?/i.exec(value);
  if (!match) throw new ValueError('stof');
  return Number.parseFloat(match[0]);
}

function oneOf(option: string, allowed: string[]) {
  return (value: string): string => {
    if (!allowed.includes(value)) throw new ValueError(`unknown value for ${option}: '${value}'`);
    return value;
  };
}

function cacheType(value: string): string {
  if (!CACHE_TYPES.includes(value)) throw new ValueError(`Unsupported cache type: ${value}`);
  return value;
}

const flashAttnValue = oneOf('--flash-attn', ['on', 'off', 'auto']);
const reasoningFormatValue = oneOf('--reasoning-format', ['none', 'deepseek', 'deepseek-legacy', 'auto']);

/** Accepted for compatibility; the fake has nothing to do with the value. */
function ignoredValue(names: string[], value: string, help: string): FlagSpec {
  return { names, value, help, apply: () => undefined };
}

function ignoredFlag(names: string[], help: string): FlagSpec {
  return { names, help, apply: () => undefined };
}

const FLAGS: FlagSpec[] = [
  { names: ['--host'], env: 'LLAMA_ARG_HOST', value: 'HOST', help: 'ip address to listen on', apply: (a, v) => (a.host = v) },
  { names: ['--port'], env: 'LLAMA_ARG_PORT', value: 'PORT', help: 'port to listen on', apply: (a, v) => (a.port = int(v)) },
  { names: ['-m', '--model'], env: 'LLAMA_ARG_MODEL', value: 'FNAME', help: 'model path', apply: (a, v) => (a.model = v) },
  { names: ['-a', '--alias'], env: 'LLAMA_ARG_ALIAS', value: 'STRING', help: 'model name in responses', apply: (a, v) => (a.alias = v) },
  { names: ['-hf', '-hfr', '--hf-repo'], env: 'LLAMA_ARG_HF_REPO', value: '<user>/<model>[:quant]', help: 'Hugging Face repository', apply: (a, v) => (a.hfRepo = v) },
  { names: ['-hff', '--hf-file'], env: 'LLAMA_ARG_HF_FILE', value: 'FILE', help: 'Hugging Face model file', apply: (a, v) => (a.hfFile = v) },
  { names: ['-mu', '--model-url'], env: 'LLAMA_ARG_MODEL_URL', value: 'MODEL_URL', help: 'model download url', apply: (a, v) => (a.modelUrl = v) },
  ignoredValue(['-hft', '--hf-token'], 'TOKEN', 'Hugging Face access token'),
  ignoredFlag(['--offline'], 'offline mode'),
  { names: ['-c', '--ctx-size'], env: 'LLAMA_ARG_CTX_SIZE', value: 'N', help: 'size of the prompt context', apply: (a, v) => (a.ctxSize = int(v)) },
  { names: ['-np', '--parallel'], env: 'LLAMA_ARG_N_PARALLEL', value: 'N', help: 'number of server slots', apply: (a, v) => (a.parallel = int(v)) },
  { names: ['--api-key'], env: 'LLAMA_API_KEY', value: 'KEY', help: 'API key(s), comma-separated', apply: (a, v) => a.apiKeys.push(...v.split(',').filter(Boolean)) },
  { names: ['--api-key-file'], value: 'FNAME', help: 'file with one API key per line', apply: (a, v) => (a.apiKeyFile = v) },
  { names: ['--embedding', '--embeddings'], env: 'LLAMA_ARG_EMBEDDINGS', help: 'enable the embeddings endpoint', apply: (a) => (a.embeddings = true) },
  { names: ['--reranking', '--rerank'], env: 'LLAMA_ARG_RERANKING', help: 'enable reranking', apply: (a) => (a.reranking = true) },
  { names: ['--metrics'], env: 'LLAMA_ARG_ENDPOINT_METRICS', help: 'enable the /metrics endpoint', apply: (a) => (a.metrics = true) },
  { names: ['--slots'], env: 'LLAMA_ARG_ENDPOINT_SLOTS', help: 'enable the /slots endpoint', apply: (a) => (a.slots = true) },
  { names: ['--no-slots'], help: 'disable the /slots endpoint', apply: (a) => (a.slots = false) },
  { names: ['--no-webui'], env: 'LLAMA_ARG_NO_WEBUI', help: 'disable the web UI', apply: (a) => (a.webui = false) },
  { names: ['--webui'], help: 'enable the web UI', apply: (a) => (a.webui = true) },
  { names: ['-ngl', '--gpu-layers', '--n-gpu-layers'], env: 'LLAMA_ARG_N_GPU_LAYERS', value: 'N', help: 'layers to offload to the GPU', apply: (a, v) => (a.gpuLayers = int(v)) },
  { names: ['-fa', '--flash-attn'], env: 'LLAMA_ARG_FLASH_ATTN', value: '[on|off|auto]', help: 'Flash Attention', apply: (a, v) => (a.flashAttn = flashAttnValue(v)) },
  { names: ['-ctk', '--cache-type-k'], env: 'LLAMA_ARG_CACHE_TYPE_K', value: 'TYPE', help: 'KV cache type for K', apply: (a, v) => (a.cacheTypeK = cacheType(v)) },
  { names: ['-ctv', '--cache-type-v'], env: 'LLAMA_ARG_CACHE_TYPE_V', value: 'TYPE', help: 'KV cache type for V', apply: (a, v) => (a.cacheTypeV = cacheType(v)) },
  { names: ['--jinja'], env: 'LLAMA_ARG_JINJA', help: 'use the jinja chat template engine', apply: (a) => (a.jinja = true) },
  { names: ['--no-jinja'], help: 'do not use jinja', apply: (a) => (a.jinja = false) },
  { names: ['--reasoning-format'], env: 'LLAMA_ARG_THINK', value: 'FORMAT', help: 'reasoning output format', apply: (a, v) => (a.reasoningFormat = reasoningFormatValue(v)) },
  ignoredValue(['--reasoning-budget'], 'N', 'thinking budget'),
  { names: ['--chat-template'], env: 'LLAMA_ARG_CHAT_TEMPLATE', value: 'JINJA_TEMPLATE', help: 'chat template', apply: (a, v) => (a.chatTemplate = v) },
  ignoredValue(['--chat-template-file'], 'JINJA_TEMPLATE_FILE', 'chat template file'),
  ignoredValue(['--chat-template-kwargs'], 'STRING', 'chat template parameters'),
  { names: ['-t', '--threads'], env: 'LLAMA_ARG_THREADS', value: 'N', help: 'CPU threads', apply: (a, v) => (a.threads = int(v)) },
  ignoredValue(['-tb', '--threads-batch'], 'N', 'CPU threads for batches'),
  ignoredValue(['--threads-http'], 'N', 'HTTP threads'),
  { names: ['--log-disable'], help: 'disable logging', apply: (a) => (a.logDisable = true) },
  ignoredValue(['--log-file'], 'FNAME', 'log file'),
  ignoredValue(['--log-colors'], '[on|off|auto]', 'colored logging'),
  ignoredFlag(['-v', '--verbose', '--log-verbose'], 'verbose logging'),
  ignoredValue(['-lv', '--verbosity', '--log-verbosity'], 'N', 'log verbosity'),
  ignoredFlag(['--log-prefix'], 'log prefix'),
  ignoredFlag(['--log-timestamps'], 'log timestamps'),
  ignoredValue(['-to', '--timeout'], 'N', 'server read/write timeout in seconds'),
  ignoredValue(['-n', '--predict', '--n-predict'], 'N', 'tokens to predict'),
  ignoredValue(['-b', '--batch-size'], 'N', 'logical batch size'),
  ignoredValue(['-ub', '--ubatch-size'], 'N', 'physical batch size'),
  ignoredValue(['--keep'], 'N', 'tokens to keep'),
  ignoredFlag(['--swa-full'], 'full-size SWA cache'),
  ignoredFlag(['-kvu', '--kv-unified'], 'unified KV buffer'),
  ignoredFlag(['-nkvo', '--no-kv-offload'], 'disable KV offload'),
  ignoredValue(['-dt', '--defrag-thold'], 'N', 'KV cache defragmentation threshold'),
  ignoredValue(['-cram', '--cache-ram'], 'N', 'prompt cache size in MiB'),
  ignoredValue(['--cache-reuse'], 'N', 'minimum chunk size for cache reuse'),
  ignoredFlag(['-cb', '--cont-batching'], 'continuous batching'),
  ignoredFlag(['-nocb', '--no-cont-batching'], 'disable continuous batching'),
  ignoredFlag(['--mlock'], 'keep the model in RAM'),
  ignoredFlag(['--mmap'], 'memory-map the model'),
  ignoredFlag(['--no-mmap'], 'do not memory-map the model'),
  ignoredValue(['--numa'], 'TYPE', 'NUMA optimisations'),
  ignoredValue(['-dev', '--device'], '<dev1,dev2,..>', 'devices to offload to'),
  ignoredValue(['-sm', '--split-mode'], '{none,layer,row}', 'multi-GPU split mode'),
  ignoredValue(['-ts', '--tensor-split'], 'N0,N1,N2,...', 'multi-GPU split proportions'),
  ignoredValue(['-mg', '--main-gpu'], 'INDEX', 'main GPU'),
  ignoredValue(['-ot', '--override-tensor'], '<tensor name pattern>=<buffer type>,...', 'tensor buffer override'),
  ignoredFlag(['-cmoe', '--cpu-moe'], 'keep MoE weights on the CPU'),
  ignoredValue(['-ncmoe', '--n-cpu-moe'], 'N', 'MoE layers kept on the CPU'),
  ignoredValue(['-mm', '--mmproj'], 'FILE', 'multimodal projector'),
  ignoredValue(['-mmu', '--mmproj-url'], 'URL', 'multimodal projector url'),
  ignoredFlag(['--no-mmproj'], 'no multimodal projector'),
  ignoredFlag(['--no-mmproj-offload'], 'keep the projector on the CPU'),
  ignoredValue(['--pooling'], '{none,mean,cls,last,rank}', 'embedding pooling'),
  ignoredValue(['--rope-scaling'], '{none,linear,yarn}', 'RoPE scaling'),
  ignoredValue(['--rope-scale'], 'N', 'RoPE context scaling factor'),
  ignoredValue(['--rope-freq-base'], 'N', 'RoPE base frequency'),
  ignoredValue(['--rope-freq-scale'], 'N', 'RoPE frequency scaling factor'),
  ignoredValue(['-s', '--seed'], 'SEED', 'RNG seed'),
  ignoredValue(['--temp'], 'N', 'temperature'),
  ignoredValue(['--top-k'], 'N', 'top-k sampling'),
  ignoredValue(['--top-p'], 'N', 'top-p sampling'),
  ignoredValue(['--min-p'], 'N', 'min-p sampling'),
  ignoredValue(['--repeat-penalty'], 'N', 'repeat penalty'),
  ignoredValue(['--presence-penalty'], 'N', 'presence penalty'),
  ignoredValue(['--frequency-penalty'], 'N', 'frequency penalty'),
  ignoredValue(['--path'], 'PATH', 'static files path'),
  ignoredValue(['--api-prefix'], 'PREFIX', 'API path prefix'),
  ignoredValue(['--ssl-key-file'], 'FNAME', 'TLS key'),
  ignoredValue(['--ssl-cert-file'], 'FNAME', 'TLS certificate'),
  ignoredFlag(['--props'], 'allow changing global properties'),
  ignoredValue(['--slot-save-path'], 'PATH', 'slot KV cache save path'),
  { names: ['-sps', '--slot-prompt-similarity'], value: 'SIMILARITY', help: 'slot prompt similarity', apply: (a, v) => (a.slotPromptSimilarity = float(v)) },
  ignoredFlag(['--no-prefill-assistant'], 'do not prefill the assistant message'),
  ignoredFlag(['--warmup'], 'warm up the model'),
  ignoredFlag(['--no-warmup'], 'skip warming up the model'),
  ignoredFlag(['--no-perf'], 'disable performance timings'),
];

const FLAG_BY_NAME = new Map(FLAGS.flatMap((spec) => spec.names.map((name) => [name, spec] as const)));

function defaults(): ServerArgs {
  return {
    host: '127.0.0.1',
    port: 8080,
    ctxSize: 4096,
    parallel: -1,
    slotPromptSimilarity: 0.1,
    apiKeys: [],
    embeddings: false,
    reranking: false,
    metrics: false,
    slots: true,
    webui: true,
    flashAttn: 'auto',
    cacheTypeK: 'f16',
    cacheTypeV: 'f16',
    jinja: false,
    reasoningFormat: 'auto',
    threads: -1,
    logDisable: false,
  };
}

function usageOf(spec: FlagSpec): string {
  return `${spec.names.join(', ')}${spec.value ? ` ${spec.value}` : ''}    ${spec.help}`;
}

export function usage(): string {
  return ['usage: fake-llama-server [options]', '', ...FLAGS.map(usageOf)].join('\n');
}

/** llama.cpp treats these env values as "switch the flag on". */
function isTruthy(value: string): boolean {
  return ['1', 'true', 'on', 'enabled'].includes(value.toLowerCase());
}

function handlingError(name: string, spec: FlagSpec, reason: string): ParseResult {
  return {
    kind: 'error',
    message: `error while handling argument "${name}": ${reason}\n\nusage:\n${usageOf(spec)}\n\nto show complete usage, run with -h`,
  };
}

/** Applies one value, turning a conversion failure into llama.cpp's "error while handling argument" result. */
function applyValue(args: ServerArgs, spec: FlagSpec, name: string, value: string): ParseResult | undefined {
  try {
    spec.apply(args, value);
    return undefined;
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    return handlingError(name, spec, error.message);
  }
}

/**
 * Parses argv (without node and script). LLAMA_ARG_* variables fill in options the command line does not
 * mention; an option given on the command line wins over its variable, as in llama.cpp.
 */
export function parseArgs(argv: string[], env: Record<string, string | undefined> = {}): ParseResult {
  const given: { name: string; spec: FlagSpec; value: string }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i] ?? '';
    if (name === '-h' || name === '--help' || name === '--usage') return { kind: 'help', text: usage() };
    if (name === '--version') return { kind: 'version', text: VERSION_TEXT };
    const spec = FLAG_BY_NAME.get(name);
    if (!spec) return { kind: 'error', message: `error: invalid argument: ${name}` };
    if (!spec.value) {
      given.push({ name, spec, value: '' });
      continue;
    }
    const value = argv[++i];
    if (value === undefined) return handlingError(name, spec, 'expected value for argument');
    given.push({ name, spec, value });
  }

  const args = defaults();
  const onCommandLine = new Set(given.map((g) => g.spec));
  for (const spec of FLAGS) {
    const fromEnv = spec.env && !onCommandLine.has(spec) ? env[spec.env] : undefined;
    if (fromEnv === undefined || (!spec.value && !isTruthy(fromEnv))) continue;
    const failure = applyValue(args, spec, spec.env ?? '', fromEnv);
    if (failure) return failure;
  }
  for (const { name, spec, value } of given) {
    const failure = applyValue(args, spec, name, value);
    if (failure) return failure;
  }
  return { kind: 'run', args };
}
