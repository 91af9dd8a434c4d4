import { modelNameSlug } from '@gguf/core';
import type { Tx } from '../deps';
import { ApiError } from '../errors/api-error';
import { lockOrganization } from '../organizations/lock-organization';
import { LIVE_DEPLOYMENT } from './find-deployment';
import { describeModelNameClash, findModelNameClash, normalizeAliases, uniqueModelName } from './model-name-clash';

export interface ModelNamesWanted {
  /** An explicit model name; without one, the slug of `name` made unique. */
  modelName?: string;
  /** The deployment's display name, slugged when no model name is given. */
  name: string;
  modelAliases: readonly string[];
}

/**
 * Settles a deployment's model name and aliases against the organization's other live deployments, or
 * refuses them with 409 naming the deployment that already answers to one. The organization row is
 * locked first, so two concurrent creates or renames cannot both take a name; deleted deployments free
 * theirs. `deploymentId` is the deployment being changed (left out of the comparison), absent on create.
 */
export async function claimModelNames(tx: Tx, orgId: string, wanted: ModelNamesWanted, deploymentId?: string): Promise<{ modelName: string; modelAliases: string[] }> {
  await lockOrganization(tx, orgId);
  const others = await tx.deployment.findMany({
    where: { orgId, ...LIVE_DEPLOYMENT, ...(deploymentId ? { id: { not: deploymentId } } : {}) },
    select: { id: true, name: true, modelName: true, modelAliases: true },
  });
  const modelName = wanted.modelName ?? uniqueModelName(modelNameSlug(wanted.name), others);
  const modelAliases = normalizeAliases(modelName, wanted.modelAliases);
  // Name fields by what the caller sent: an alias dropped as a repeat shifts no index they gave.
  const clash = findModelNameClash({ modelName, modelAliases }, others);
  if (clash) {
    const field = clash.field === 'model_name' ? clash.field : `model_aliases.${wanted.modelAliases.indexOf(clash.value)}`;
    throw new ApiError('conflict', describeModelNameClash(clash), field);
  }
  return { modelName, modelAliases };
}
