import type { DeploymentObject } from '@gguf/api';
// The subpath: the package's index pulls in Node modules a browser bundle cannot take.
import { modelNameSlug } from '@gguf/core/model-name';
import { numberOrText } from '../../../lib/dashboard/form-values';
import { minutesFromSeconds, secondsFromMinutes } from '../../../lib/dashboard/idle-minutes';
import type { LlamaOption } from '../../../lib/dashboard/llama-options';

export type SourceKind = 'huggingface' | 'url' | 'local';

/** The form's fields as typed text; turned into the API's body only on validation and submit. */
export interface DeploymentFormState {
  name: string;
  /** What `model` is on the organization endpoint; follows the name (slugged) until edited. */
  modelName: string;
  modelNameEdited: boolean;
  modelAliases: string[];
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
  /** `replicas.min` 0: the deployment sleeps when idle and wakes on the next request. */
  scaleToZero: boolean;
  /** `replicas.min` while it does not scale to zero: servers kept running even when idle. */
  replicasMin: string;
  /** `replicas.max`: the most servers autoscaling may run. */
  replicasMax: string;
  /** `scale_down_after_s`, typed in minutes. */
  idleMinutes: string;
  /** `wake_timeout_s`, in seconds. */
  wakeTimeoutS: string;
  /** `target_concurrency`; empty means null: the parallel slots. */
  targetConcurrency: string;
  modelSizeGb: string;
}

/** What a group of the form's fields takes: the state, the errors by field, and a way to change the state. */
export interface FormFieldsProps {
  state: DeploymentFormState;
  errors: Record<string, string>;
  update: (patch: Partial<DeploymentFormState>) => void;
}

export function emptyFormState(defaultGpuCount: number): DeploymentFormState {
  return {
    name: '',
    modelName: '',
    modelNameEdited: false,
    modelAliases: [],
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
    // The API's defaults, shown so the user sees what they get.
    scaleToZero: false,
    replicasMin: '1',
    replicasMax: '1',
    idleMinutes: '15',
    wakeTimeoutS: '600',
    targetConcurrency: '',
    modelSizeGb: '',
  };
}

export function formStateOf(d: DeploymentObject): DeploymentFormState {
  const m = d.model;
  return {
    name: d.name,
    // A deployment's model name never follows a rename: clients call it by that name.
    modelName: d.model_name,
    modelNameEdited: true,
    modelAliases: d.model_aliases,
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
    scaleToZero: d.replicas.min === 0,
    // What unticking scale to zero goes back to.
    replicasMin: String(Math.max(d.replicas.min, 1)),
    replicasMax: String(d.replicas.max),
    idleMinutes: minutesFromSeconds(d.scale_down_after_s),
    wakeTimeoutS: String(d.wake_timeout_s),
    targetConcurrency: d.target_concurrency === null ? '' : String(d.target_concurrency),
    modelSizeGb: '',
  };
}

/** The name typed so far, as the model name field shows it while the user has not chosen one. */
export function withName(state: DeploymentFormState, name: string): DeploymentFormState {
  return { ...state, name, modelName: state.modelNameEdited ? state.modelName : name.trim() ? modelNameSlug(name) : '' };
}

/** A model name typed by the user; clearing the field makes it follow the name again. */
export function withModelName(state: DeploymentFormState, modelName: string): DeploymentFormState {
  if (modelName === '') return { ...state, modelName: state.name.trim() ? modelNameSlug(state.name) : '', modelNameEdited: false };
  return { ...state, modelName, modelNameEdited: true };
}

/**
 * A minimum typed as 0 is scale to zero: it ticks that box (so its idle time and wake timeout show and are
 * sent), and unticking it goes back to one server kept running.
 */
export function withReplicasMin(state: DeploymentFormState, replicasMin: string): DeploymentFormState {
  return numberOrText(replicasMin) === 0 ? { ...state, scaleToZero: true, replicasMin: '1' } : { ...state, replicasMin };
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
    // Left out while empty (no name typed yet): the API then names it after the deployment.
    ...(state.modelName ? { model_name: state.modelName.trim() } : {}),
    model_aliases: state.modelAliases,
    model,
    gpu: { count: numberOrText(state.gpuCount), ...(state.gpuType ? { type: state.gpuType } : {}) },
    context_size: numberOrText(state.contextSize),
    parallel: numberOrText(state.parallel),
    embeddings: state.embeddings,
    llama_args: llamaArgs,
    // Scale to zero is the minimum 0; an empty bound is left out, so the API's default or the saved value applies.
    replicas: { min: state.scaleToZero ? 0 : numberOrText(state.replicasMin), max: numberOrText(state.replicasMax) },
    // Only with scale to zero on: off, they mean nothing, and hidden fields must not block a save.
    ...(state.scaleToZero ? { scale_down_after_s: secondsFromMinutes(state.idleMinutes), wake_timeout_s: numberOrText(state.wakeTimeoutS) } : {}),
    // Sent as null when empty, so clearing the field on an edit goes back to the parallel slots.
    target_concurrency: numberOrText(state.targetConcurrency) ?? null,
  };
}
