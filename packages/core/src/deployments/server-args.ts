import { type LlamaArgs, llamaArgsToFlags } from './llama-args';

/** Where llama-server listens: a TCP port on an address, or a Unix socket (llama-server takes a `--host` ending in `.sock` as one). */
export type ServerListen = { host: string; port: number } | { socket: string };

export interface ServerArgsInput {
  /** The model file as the server sees it: always a file the worker put there (never a download source). */
  modelPath: string;
  contextSize: number;
  parallel: number;
  embeddings: boolean;
  llamaArgs: LlamaArgs;
  listen: ServerListen;
  /** File holding the key llama-server demands (`--api-key-file`). */
  apiKeyFile: string;
  /** Name /v1/models reports. */
  alias: string;
}

/**
 * The complete llama-server command line for a deployment. The model is a file the worker
 * downloaded and checked, never `--hf-repo`/`--model-url`: llama-server does no network I/O of its
 * own. The upstream secret is deliberately absent: llama-server reads it from a file, so it never
 * shows in a process list, a container's configuration or a logged command.
 */
export function buildLlamaServerArgs(input: ServerArgsInput): string[] {
  const listen = 'socket' in input.listen ? ['--host', input.listen.socket] : ['--host', input.listen.host, '--port', String(input.listen.port)];
  return [
    '--model', input.modelPath,
    ...listen,
    '--api-key-file', input.apiKeyFile,
    '--alias', input.alias,
    '--ctx-size', String(input.contextSize),
    '--parallel', String(input.parallel),
    ...(input.embeddings ? ['--embeddings'] : []),
    '--metrics',
    '--no-webui',
    ...llamaArgsToFlags(input.llamaArgs),
  ];
}
