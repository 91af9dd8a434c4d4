import type { ApiKeyObject } from '@gguf/api';
import { numberOrText } from '../../../lib/dashboard/form-values';

/** A key's name, limits and allowed models as the form holds them (numbers as typed text). */
export interface KeyFormState {
  name: string;
  rateLimitRpm: string;
  maxConcurrentStreams: string;
  tokenBudget: string;
  /** The organization's model names ticked in the list. */
  models: string[];
  /** Everything else the key may call, typed: globs, names of models to come, deployment ids. */
  extraModels: string[];
}

export const EMPTY_KEY_FORM: KeyFormState = { name: '', rateLimitRpm: '', maxConcurrentStreams: '', tokenBudget: '', models: [], extraModels: [] };

const text = (value: number | null) => (value === null ? '' : String(value));

/** An existing key, its allowed entries split between the organization's model names (ticked) and the rest. */
export function keyFormStateOf(key: ApiKeyObject, orgModelNames: readonly string[]): KeyFormState {
  return {
    name: key.name,
    rateLimitRpm: text(key.rate_limit_rpm),
    maxConcurrentStreams: text(key.max_concurrent_streams),
    tokenBudget: text(key.token_budget),
    models: key.allowed_models.filter((entry) => orgModelNames.includes(entry)),
    extraModels: key.allowed_models.filter((entry) => !orgModelNames.includes(entry)),
  };
}

/** The ticked names first, then the typed entries: the order the API's `allowed_models.<index>` errors count in. */
export function allowedModelsOf(state: KeyFormState): string[] {
  return [...state.models, ...state.extraModels];
}

/**
 * The body POST /api/v1/api-keys and PATCH /api/v1/api-keys/{id} take: an empty limit is null (no limit
 * of the key's own), no allowed models means every model of the organization.
 */
export function toKeyBody(state: KeyFormState): Record<string, unknown> {
  return {
    name: state.name,
    allowed_models: allowedModelsOf(state),
    rate_limit_rpm: numberOrText(state.rateLimitRpm) ?? null,
    max_concurrent_streams: numberOrText(state.maxConcurrentStreams) ?? null,
    token_budget: numberOrText(state.tokenBudget) ?? null,
  };
}
