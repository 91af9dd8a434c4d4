import type { DeploymentObject } from '@gguf/api';
import type { LlamaOption } from '../../../lib/dashboard/llama-options';

export type SourceKind = 'huggingface' | 'url' | 'local';

/** The form's fields as typed text; turned into the API's body only on validation and submit. */
export interface DeploymentFormState {
  name: string;
  source: SourceKind;
  repo: string;
  file: string;
  url: string;
  path: string;
  gpuCount: string;
  gpuType: string;
  contextSize: string;
  parallel: string;
  embeddings: boolean;
  llamaArgs: Record<string, string>;
  modelSizeGb: string;
}

export function emptyFormState(defaultGpuCount: number): DeploymentFormState {
  return {
    name: '',
    source: 'huggingface',
    repo: '',
    file: '',
    url: '',
    path: '',
    gpuCount: String(defaultGpuCount),
    gpuType: '',
    contextSize: '4096',
    parallel: '1',
    embeddings: false,
    llamaArgs: {},
    modelSizeGb: '',
  };
}

export function formStateOf(d: DeploymentObject): DeploymentFormState {
  const m = d.model;
  return {
    name: d.name,
    source: m.source,
    repo: m.source === 'huggingface' ? m.repo : '',
    file: m.source === 'huggingface' ? m.file : '',
    url: m.source === 'url' ? m.url : '',
    path: m.source === 'local' ? m.path : '',
    gpuCount: String(d.gpu.count),
    gpuType: d.gpu.type ?? '',
    contextSize: String(d.context_size),
    parallel: String(d.parallel),
    embeddings: d.embeddings,
    llamaArgs: Object.fromEntries(Object.entries(d.llama_args).map(([k, v]) => [k, String(v)])),
    modelSizeGb: '',
  };
}

/** Empty stays undefined (the API's default applies); text that is not a number goes as text, so the schema names the field. */
function numberOrText(value: string): number | string | undefined {
  if (value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : value;
}

function argValue(kind: LlamaOption['kind'] | undefined, value: string): unknown {
  if (kind === 'boolean') return value === 'true';
  if (kind === 'number') return numberOrText(value);
  return value;
}

/** The request body, shaped exactly as POST /api/v1/deployments takes it. */
export function toRequestBody(state: DeploymentFormState, options: LlamaOption[]): Record<string, unknown> {
  const model =
    state.source === 'huggingface'
      ? { source: 'huggingface', repo: state.repo.trim(), file: state.file.trim() }
      : state.source === 'url'
        ? { source: 'url', url: state.url.trim() }
        : { source: 'local', path: state.path.trim() };
  const llamaArgs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(state.llamaArgs)) {
    if (value === '') continue;
    llamaArgs[name] = argValue(options.find((o) => o.name === name)?.kind, value);
  }
  return {
    name: state.name,
    model,
    gpu: { count: numberOrText(state.gpuCount), ...(state.gpuType ? { type: state.gpuType } : {}) },
    context_size: numberOrText(state.contextSize),
    parallel: numberOrText(state.parallel),
    embeddings: state.embeddings,
    llama_args: llamaArgs,
  };
}
