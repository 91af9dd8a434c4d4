import { isId } from '@gguf/core';
import type { Tx } from '../deps';
import { LIVE_DEPLOYMENT } from '../deployments/find-deployment';
import { ApiError } from '../errors/api-error';

/**
 * A key's allowed models as stored: each entry once, in the order given. Names and globs may name models
 * that do not exist yet; a deployment id must be one of the organization's live deployments, or the
 * answer is the 404 a missing deployment gets, naming the entry.
 */
export async function resolveAllowedModels(tx: Tx, orgId: string, entries: readonly string[]): Promise<string[]> {
  const unique = [...new Set(entries)];
  const deploymentIds = unique.filter((entry) => isId('deployment', entry));
  if (deploymentIds.length === 0) return unique;
  const live = await tx.deployment.findMany({ where: { id: { in: deploymentIds }, orgId, ...LIVE_DEPLOYMENT }, select: { id: true } });
  const liveIds = new Set(live.map((d) => d.id));
  const missing = deploymentIds.find((id) => !liveIds.has(id));
  if (missing !== undefined) throw ApiError.notFound('deployment', missing, `allowed_models.${entries.indexOf(missing)}`);
  return unique;
}
