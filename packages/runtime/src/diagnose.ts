/**
 * Turns the last lines llama-server printed into one sentence a user can act on. llama.cpp's
 * failure output is a cascade of lines from several layers (gguf → llama_model_load → common →
 * srv → main); the first matching rule below wins, most specific first.
 */

export type FailureReason =
  | 'model_not_found'
  | 'download_failed'
  | 'out_of_memory'
  | 'bad_argument'
  | 'port_in_use'
  | 'gpu_unavailable'
  | 'crashed';

export interface Diagnosis {
  reason: FailureReason;
  message: string;
}

interface Rule {
  reason: FailureReason;
  pattern: RegExp;
  message: (match: RegExpMatchArray) => string;
}

const RULES: Rule[] = [
  {
    reason: 'bad_argument',
    pattern: /error while handling argument "([^"]+)": ([^\n]+)/,
    message: (m) => `llama-server refused the argument ${m[1]}: ${m[2]}`,
  },
  { reason: 'bad_argument', pattern: /error: invalid argument: (\S+)/, message: (m) => `llama-server does not know the argument ${m[1]}` },
  {
    reason: 'download_failed',
    pattern: /failed to download model from (\S+)/,
    message: (m) => `downloading the model failed (${m[1]})`,
  },
  {
    reason: 'download_failed',
    pattern: /invalid http status code received: (\d+)/,
    message: (m) => `downloading the model failed: the server answered HTTP ${m[1]}`,
  },
  {
    reason: 'download_failed',
    pattern: /(?:curl_easy_perform\(\) failed|failed to (?:get|fetch) manifest)[^\n]*/i,
    message: (m) => `downloading the model failed: ${m[0].trim()}`,
  },
  {
    reason: 'model_not_found',
    pattern: /failed to open GGUF file '([^']+)'/,
    message: (m) => `model file not found: ${m[1]}`,
  },
  {
    reason: 'model_not_found',
    pattern: /failed to open ([^\s:]+): No such file or directory/,
    message: (m) => `model file not found: ${m[1]}`,
  },
  {
    reason: 'model_not_found',
    pattern: /gguf_init_from_file[^\n]*: (?:invalid magic|failed to read)[^\n]*/,
    message: (m) => `the model file is not a valid GGUF file (${m[0].trim()})`,
  },
  {
    reason: 'out_of_memory',
    pattern: /(?:cudaMalloc failed: out of memory|CUDA error: out of memory|failed to allocate [^\n]*buffer|out of memory)/i,
    message: () => 'out of memory: the model and its context do not fit on the allocated GPUs (try a smaller quantization, a smaller context or more GPUs)',
  },
  {
    reason: 'port_in_use',
    pattern: /couldn't bind HTTP server socket, hostname: (\S+), port: (\d+)/,
    message: (m) => `port ${m[2]} is already in use on the node`,
  },
  {
    reason: 'gpu_unavailable',
    pattern: /(?:could not select device driver[^\n]*|no CUDA-capable device is detected|CUDA driver version is insufficient[^\n]*|nvidia-container-cli: [^\n]*)/i,
    message: (m) => `the node cannot give the container its GPUs: ${m[0].trim()} (is the NVIDIA Container Toolkit installed?)`,
  },
];

const NOISE = /^\s*$|^srv\s+operator\(\)|cleaning up before exit|^main: exiting/;

/** Explains a server that exited (or never became ready) from its last output lines. */
export function diagnose(lines: readonly string[], exit?: { exitCode?: number | null; signal?: string | null }): Diagnosis {
  const text = lines.join('\n');
  for (const rule of RULES) {
    const match = text.match(rule.pattern);
    if (match) return { reason: rule.reason, message: rule.message(match) };
  }
  const exitText =
    exit?.signal != null ? `was killed by ${exit.signal}` : exit?.exitCode != null ? `exited with code ${exit.exitCode}` : 'exited';
  // No known pattern: the last meaningful line is usually the reason.
  const last = [...lines].reverse().find((line) => !NOISE.test(line));
  return { reason: 'crashed', message: last ? `llama-server ${exitText}: ${last.trim().slice(0, 300)}` : `llama-server ${exitText} without output` };
}
