import { checkModelUrl, type ModelSource } from '@gguf/core';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';

/**
 * A `url` model must be a public https URL of a .gguf file (or on a mirror the operator allowed
 * with MODEL_URL_ALLOWED_HOSTS), checked when the deployment is saved so a tenant hears at once;
 * the worker checks again, with the name resolved, at download time. The message is the same for
 * every refusal, so it tells nothing about the node's network.
 */
export function assertModelUrlAllowed(deps: Pick<ApiDeps, 'allowedModelHosts'>, model: ModelSource | undefined): void {
  if (model?.source !== 'url') return;
  const check = checkModelUrl(model.url, deps.allowedModelHosts);
  if (!check.ok) throw new ApiError('invalid_request', `Invalid 'model.url': ${check.reason}.`, 'model.url');
}
