import { globMatches, isGlob } from '@gguf/core';
import { type ModelDeployment, type ModelTable, resolveModel } from './model-table';

/**
 * Whether one entry of a key's `allowed_models` covers a deployment: its id, its model name or one of its
 * aliases; a name another way reaches it (a glob alias of the deployment matching it); or a glob matching the
 * deployment's model name or an exact alias (a glob entry identical to one of its glob aliases counts too).
 */
function entryCovers(table: ModelTable, entry: string, deployment: ModelDeployment): boolean {
  if (entry === deployment.id || entry === deployment.modelName) return true;
  if (isGlob(entry)) return deployment.globs.includes(entry) || globMatches(entry, deployment.modelName) || deployment.aliases.some((alias) => globMatches(entry, alias));
  if (deployment.aliases.includes(entry)) return true;
  return resolveModel(table, entry, { fallback: false })?.deployment === deployment;
}

const allowedByTable = new WeakMap<ModelTable, WeakMap<readonly string[], ReadonlySet<string>>>();

/**
 * The ids of the deployments a key restricted to `allowedModels` may use. Computed once per table and key
 * record (both are replaced when they change), so a request costs a lookup.
 */
export function allowedDeploymentIds(table: ModelTable, allowedModels: readonly string[]): ReadonlySet<string> {
  let byKey = allowedByTable.get(table);
  if (!byKey) allowedByTable.set(table, (byKey = new WeakMap()));
  let ids = byKey.get(allowedModels);
  if (!ids) {
    ids = new Set(table.deployments.filter((deployment) => allowedModels.some((entry) => entryCovers(table, entry, deployment))).map((deployment) => deployment.id));
    byKey.set(allowedModels, ids);
  }
  return ids;
}

/** A predicate for `resolveModel`; undefined for a key that may use every model of its organization. */
export function keyMayUse(table: ModelTable, allowedModels: readonly string[] | null): ((deployment: ModelDeployment) => boolean) | undefined {
  if (allowedModels === null) return undefined;
  const ids = allowedDeploymentIds(table, allowedModels);
  return (deployment) => ids.has(deployment.id);
}
