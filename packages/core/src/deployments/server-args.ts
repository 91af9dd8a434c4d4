import { type LlamaArgs, llamaArgsToFlags } from './llama-args';
import { type ModelSource, modelDisplayName } from './model-source';

export interface ServerArgsInput {
  model: ModelSource;
  contextSize: number;
  parallel: number;
  embeddings: boolean;
  llamaArgs: LlamaArgs;
  /** The model store as the server sees it (a mount point in a container, a directory for a process). */
  modelsDir: string;
  host: string;
  port: number;
  /** Name /v1/models reports; defaults to the model file's name. */
  alias?: string;
}

/**
 * The complete llama-server command line for a deployment. The upstream secret is deliberately
 * absent: it goes in the LLAMA_API_KEY environment variable, which llama-server reads, so it
 * never shows in a process list or a logged command.
 */
export function buildLlamaServerArgs(input: ServerArgsInput): string[] {
  const { model, modelsDir } = input;
  const source =
    model.source === 'huggingface'
      ? ['--hf-repo', model.repo, '--hf-file', model.file]
      : model.source === 'url'
        ? ['--model-url', model.url]
        : ['--model', `${modelsDir.replace(/\/+$/, '')}/${model.path}`];
  return [
    ...source,
    '--host', input.host,
    '--port', String(input.port),
    '--alias', input.alias ?? modelDisplayName(model),
    '--ctx-size', String(input.contextSize),
    '--parallel', String(input.parallel),
    ...(input.embeddings ? ['--embeddings'] : []),
    '--metrics',
    '--no-webui',
    ...llamaArgsToFlags(input.llamaArgs),
  ];
}
