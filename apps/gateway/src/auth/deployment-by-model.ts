import { type GatewayError, gatewayError, invalidRequest } from '../http/errors';
import { keyResolveOptions } from '../models/model-access';
import { MAX_REQUESTED_MODEL_LENGTH, type ModelDeployment, type ModelTable, resolveModel } from '../models/model-table';
import { type Admission, admit, type Authorized, type Caller, type Waking } from './authorize';
import type { Directory } from './directory';

/** Model names shown in a "not found" message; `GET /v1/models` lists them all. */
const NAMES_SHOWN = 5;

function availableModels(deployments: readonly ModelDeployment[]): string {
  if (deployments.length === 0) return 'This API key cannot use any model of its organization.';
  const names = deployments.slice(0, NAMES_SHOWN).map((deployment) => deployment.modelName);
  const more = deployments.length > NAMES_SHOWN ? ` and ${deployments.length - NAMES_SHOWN} more (GET /v1/models lists them)` : '';
  return `Available models: ${names.join(', ')}${more}.`;
}

/** OpenAI's own answer for an unknown model (type invalid_request_error, code model_not_found); Anthropic's not_found_error. */
function modelNotFound(requested: string, table: ModelTable | null, mayUse: ((deployment: ModelDeployment) => boolean) | undefined): GatewayError {
  const usable = table ? table.deployments.filter((deployment) => mayUse?.(deployment) ?? true) : [];
  const shown = requested.length > 100 ? `${requested.slice(0, 100)}…` : requested;
  return { ...gatewayError(404, 'model_not_found', `The model \`${shown}\` does not exist or you do not have access to it. ${availableModels(usable)}`), openAiType: 'invalid_request_error', param: 'model' };
}

/**
 * The organization endpoint (/api/llm): the body's `model` picks the deployment (see models/model-table.ts).
 * A model the key may not use is resolved as if it did not exist, so it answers exactly like a missing one.
 * Requests without `model` are refused rather than sent to the default deployment: the default serves names
 * that match nothing, and a missing name is a client mistake worth saying so.
 */
export async function deploymentByModel(directory: Directory, caller: Caller, model: unknown, admission: Admission): Promise<Authorized | Waking | GatewayError> {
  if (typeof model !== 'string' || model === '') {
    return invalidRequest('invalid_request', '`model` is required on the organization endpoint: the model name (or an alias) of one of your deployments. GET /v1/models lists them.', 'model');
  }
  if (model.length > MAX_REQUESTED_MODEL_LENGTH) return invalidRequest('invalid_request', `\`model\` must be at most ${MAX_REQUESTED_MODEL_LENGTH} characters.`, 'model');
  const table = await directory.models(caller.key.orgId);
  const options = table ? keyResolveOptions(table, caller.key.allowedModels) : {};
  const resolution = table ? resolveModel(table, model, options) : undefined;
  if (!resolution) return modelNotFound(model, table, options.mayUse);
  const deployment = await directory.deployment(resolution.deployment.id);
  // Deleted (or moved) since the table was cached: as missing as it gets.
  if (!deployment || deployment.orgId !== caller.key.orgId) return modelNotFound(model, table, options.mayUse);
  return admit(caller, deployment, `Model \`${resolution.deployment.modelName}\``, model, admission);
}
