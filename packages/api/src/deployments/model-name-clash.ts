import { isGlob } from '@gguf/core';

/** A live deployment's names, as the organization endpoint (/api/llm) resolves `model` against them. */
export interface NamedDeployment {
  id: string;
  name: string;
  modelName: string;
  modelAliases: readonly string[];
}

export interface ModelNames {
  modelName: string;
  modelAliases: readonly string[];
}

export interface ModelNameClash {
  /** The request field that clashes: `model_name` or `model_aliases.<index>`. */
  field: string;
  value: string;
  /** The deployment that already answers to the value, and as what. */
  other: NamedDeployment;
  otherHasItAs: 'model name' | 'alias';
}

/**
 * The first of a deployment's names that another live deployment of the organization already answers
 * to, or null. Resolution tries exact model names, then exact aliases, then the most specific glob:
 * - a model name or an exact alias may not equal another deployment's model name or exact alias, or
 *   the same `model` would pick two deployments;
 * - a glob may not repeat another deployment's identical glob (two equally specific matches), but may
 *   overlap it (`claude-*` beside `claude-*-haiku-*`) or match another's exact name, since an exact
 *   name and the more specific glob win.
 */
export function findModelNameClash(candidate: ModelNames, others: readonly NamedDeployment[]): ModelNameClash | null {
  const exact = new Map<string, Pick<ModelNameClash, 'other' | 'otherHasItAs'>>();
  const globs = new Map<string, NamedDeployment>();
  for (const other of others) {
    if (!exact.has(other.modelName)) exact.set(other.modelName, { other, otherHasItAs: 'model name' });
    for (const alias of other.modelAliases) {
      if (isGlob(alias)) {
        if (!globs.has(alias)) globs.set(alias, other);
      } else if (!exact.has(alias)) exact.set(alias, { other, otherHasItAs: 'alias' });
    }
  }
  const wanted: [field: string, value: string][] = [['model_name', candidate.modelName], ...candidate.modelAliases.map((alias, i): [string, string] => [`model_aliases.${i}`, alias])];
  for (const [field, value] of wanted) {
    if (isGlob(value)) {
      const other = globs.get(value);
      if (other) return { field, value, other, otherHasItAs: 'alias' };
    } else {
      const hit = exact.get(value);
      if (hit) return { field, value, ...hit };
    }
  }
  return null;
}

/** What the 409 says: the value, and the other deployment by name and id. */
export function describeModelNameClash(clash: ModelNameClash): string {
  const mine = clash.field === 'model_name' ? 'model name' : 'alias';
  return `The ${mine} '${clash.value}' is already the ${clash.otherHasItAs} of deployment '${clash.other.name}' (${clash.other.id}); pick another or change that deployment first.`;
}

/** Aliases as stored: each once, in the order given, without the deployment's own model name (which answers anyway). */
export function normalizeAliases(modelName: string, aliases: readonly string[]): string[] {
  return [...new Set(aliases)].filter((alias) => alias !== modelName);
}

/**
 * A model name for a deployment that did not ask for one: the slug of its name, or with -2, -3… the first
 * that no other deployment answers to exactly. Globs do not block it: an exact name wins over any glob.
 */
export function uniqueModelName(slug: string, others: readonly NamedDeployment[]): string {
  const taken = new Set(others.flatMap((other) => [other.modelName, ...other.modelAliases.filter((alias) => !isGlob(alias))]));
  if (!taken.has(slug)) return slug;
  for (let n = 2; ; n++) {
    const candidate = `${slug}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
