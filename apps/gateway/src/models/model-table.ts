import { globMatches, globSpecificity, isGlob } from '@gguf/core';

/** One live deployment as the organization endpoint (/api/llm) sees it: the names that reach it and its status. */
export interface ModelDeployment {
  id: string;
  modelName: string;
  /** Exact aliases, in the order the deployment lists them. */
  aliases: readonly string[];
  /** `*` aliases, in the order the deployment lists them. */
  globs: readonly string[];
  status: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

export interface ModelTable {
  orgId: string;
  /** Sorted by model name. */
  deployments: readonly ModelDeployment[];
  byId: ReadonlyMap<string, ModelDeployment>;
  byName: ReadonlyMap<string, ModelDeployment>;
  byAlias: ReadonlyMap<string, ModelDeployment>;
  /** Every glob alias, in the order resolution tries them (see `globPrecedence`). */
  globs: readonly { glob: string; deployment: ModelDeployment }[];
  defaultDeployment: ModelDeployment | undefined;
  /** Unrestricted resolutions already made, by lower-cased name (bounded); the table is rebuilt on any change. */
  memo: Map<string, Resolution | undefined>;
}

export type ResolvedVia = 'name' | 'alias' | 'glob' | 'default';

export interface Resolution {
  deployment: ModelDeployment;
  via: ResolvedVia;
}

export interface DeploymentRow {
  id: string;
  modelName: string;
  modelAliases: readonly string[];
  status: string;
  createdAt: Date;
}

const MEMO_ENTRIES = 1_000;

/** Longest `model` the organization endpoint resolves: names and aliases are at most 100 characters. */
export const MAX_REQUESTED_MODEL_LENGTH = 256;
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const stars = (glob: string) => glob.length - globSpecificity(glob);

/**
 * The order globs are tried in: most literal characters first; on a tie the glob with fewer `*`; then the glob
 * text in code-unit order. Aliases are unique within an organization, so this order is total and the same on
 * every gateway instance.
 */
export function globPrecedence(a: string, b: string): number {
  return globSpecificity(b) - globSpecificity(a) || stars(a) - stars(b) || compareText(a, b);
}

/** Builds an organization's table from its live (not deleted) deployments and its default deployment id. */
export function buildModelTable(orgId: string, rows: readonly DeploymentRow[], defaultDeploymentId: string | null): ModelTable {
  const deployments = rows
    .map((row) => ({
      id: row.id,
      modelName: row.modelName,
      aliases: row.modelAliases.filter((alias) => !isGlob(alias)),
      globs: row.modelAliases.filter(isGlob),
      status: row.status,
      createdAt: row.createdAt.getTime(),
    }))
    .sort((a, b) => compareText(a.modelName, b.modelName) || compareText(a.id, b.id));
  const byName = new Map<string, ModelDeployment>();
  const byAlias = new Map<string, ModelDeployment>();
  // The REST API keeps names and aliases unique; should two rows still share one, the first in name order wins.
  for (const deployment of deployments) if (!byName.has(deployment.modelName)) byName.set(deployment.modelName, deployment);
  for (const deployment of deployments) for (const alias of deployment.aliases) if (!byAlias.has(alias)) byAlias.set(alias, deployment);
  const globs = deployments.flatMap((deployment) => deployment.globs.map((glob) => ({ glob, deployment }))).sort((a, b) => globPrecedence(a.glob, b.glob) || compareText(a.deployment.modelName, b.deployment.modelName));
  const byId = new Map(deployments.map((deployment) => [deployment.id, deployment]));
  const defaultDeployment = defaultDeploymentId === null ? undefined : byId.get(defaultDeploymentId);
  return { orgId, deployments, byId, byName, byAlias, globs, defaultDeployment, memo: new Map() };
}

const everyDeployment = () => true;

function resolveUncached(table: ModelTable, name: string, mayUse: (deployment: ModelDeployment) => boolean, fallback: boolean): Resolution | undefined {
  const named = table.byName.get(name);
  if (named && mayUse(named)) return { deployment: named, via: 'name' };
  const aliased = table.byAlias.get(name);
  if (aliased && mayUse(aliased)) return { deployment: aliased, via: 'alias' };
  for (const { glob, deployment } of table.globs) if (mayUse(deployment) && globMatches(glob, name)) return { deployment, via: 'glob' };
  const fallbackTo = table.defaultDeployment;
  if (fallback && fallbackTo && mayUse(fallbackTo)) return { deployment: fallbackTo, via: 'default' };
  return undefined;
}

export interface ResolveOptions {
  /** The deployments the caller may use (a restricted key); others are treated as if they did not exist. */
  mayUse?: (deployment: ModelDeployment) => boolean;
  /** Fall back to the organization's default deployment (default true). */
  fallback?: boolean;
  /** Answers already given with these options (a restricted key's own, see model-access.ts); unrestricted ones use the table's. */
  memo?: Map<string, Resolution | undefined>;
}

/**
 * Which deployment a requested model name reaches: the exact model name, then an exact alias, then the most
 * specific glob (`globPrecedence`), then the organization's default deployment. Names are lower-case, so the
 * requested name is matched lower-cased. Deployments the caller may not use are skipped as if they did not
 * exist, so a model the key may not use answers exactly like a missing one.
 */
export function resolveModel(table: ModelTable, requested: string, options: ResolveOptions = {}): Resolution | undefined {
  const name = requested.toLowerCase();
  const fallback = options.fallback ?? true;
  const mayUse = options.mayUse ?? everyDeployment;
  const memo = options.memo ?? (options.mayUse ? undefined : table.memo);
  if (!memo || !fallback || name.length > MAX_REQUESTED_MODEL_LENGTH) return resolveUncached(table, name, mayUse, fallback);
  if (memo.has(name)) return memo.get(name);
  const resolution = resolveUncached(table, name, mayUse, true);
  if (memo.size >= MEMO_ENTRIES) memo.clear();
  memo.set(name, resolution);
  return resolution;
}
