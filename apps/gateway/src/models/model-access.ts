import { globMatches, isGlob } from '@gguf/core';
import { type ModelDeployment, type ModelTable, type Resolution, type ResolveOptions, resolveModel } from './model-table';

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

interface KeyView {
  ids: ReadonlySet<string>;
  /** This key's resolutions, as the table keeps the unrestricted ones. */
  memo: Map<string, Resolution | undefined>;
}

const viewsByTable = new WeakMap<ModelTable, WeakMap<readonly string[], KeyView>>();

/** A restricted key's view of a table: computed once per table and key record (both are replaced when they change). */
function keyView(table: ModelTable, allowedModels: readonly string[]): KeyView {
  let byKey = viewsByTable.get(table);
  if (!byKey) viewsByTable.set(table, (byKey = new WeakMap()));
  let view = byKey.get(allowedModels);
  if (!view) {
    const ids = new Set(table.deployments.filter((deployment) => allowedModels.some((entry) => entryCovers(table, entry, deployment))).map((deployment) => deployment.id));
    view = { ids, memo: new Map() };
    byKey.set(allowedModels, view);
  }
  return view;
}

/** The ids of the deployments a key restricted to `allowedModels` may use. */
export function allowedDeploymentIds(table: ModelTable, allowedModels: readonly string[]): ReadonlySet<string> {
  return keyView(table, allowedModels).ids;
}

/** Options for `resolveModel` that resolve as this key sees the organization; none for a key that may use every model. */
export function keyResolveOptions(table: ModelTable, allowedModels: readonly string[] | null): ResolveOptions {
  if (allowedModels === null) return {};
  const { ids, memo } = keyView(table, allowedModels);
  return { mayUse: (deployment) => ids.has(deployment.id), memo };
}
