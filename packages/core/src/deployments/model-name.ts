import { z } from 'zod';

/**
 * How the organization endpoint (/api/llm) names deployments: `model_name`, unique among an
 * organization's live deployments, plus aliases that are exact names or `*` globs
 * (`claude-*-haiku-*`). Lower-case letters, digits, `.`, `-`, `_` and `/`, so a name reads the same
 * in a URL, a config file and Claude Code's `--model`.
 */
const NAME = /^[a-z0-9._/-]{1,100}$/;
const ALIAS = /^[a-z0-9._/*-]{1,100}$/;
const NAME_RULE = 'must be 1-100 lower-case letters, digits, ".", "-", "_" or "/"';

export const modelName = z.string().regex(NAME, NAME_RULE);
export const modelAlias = z
  .string()
  .regex(ALIAS, `${NAME_RULE}, with "*" as a wildcard`)
  .refine((alias) => alias !== '*', 'must not be "*" alone: name a default deployment for names that match nothing');
export const modelAliases = z.array(modelAlias).max(20, 'must list at most 20 aliases');

/** A deployment's default model name: its name, lower-cased, with runs of other characters turned into "-". */
export function modelNameSlug(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9._/-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 90);
  return slug || 'model';
}

export function isGlob(alias: string): boolean {
  return alias.includes('*');
}

/**
 * Whether a glob alias matches a model name (`*` = any run of characters, possibly empty). Each literal part
 * is matched at its earliest place, which is exact for `*`-only globs and costs at most glob × name character
 * comparisons: a tenant's glob of many `*` is matched against a caller's name on the gateway's event loop, where
 * a backtracking regular expression could take exponential time.
 */
export function globMatches(glob: string, name: string): boolean {
  const parts = glob.split('*');
  const first = parts[0] as string;
  if (parts.length === 1) return glob === name;
  const last = parts[parts.length - 1] as string;
  if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last)) return false;
  const end = name.length - last.length;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = name.indexOf(part, at);
    if (found === -1 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** How specific a glob is: its literal characters; the most specific matching glob wins. */
export function globSpecificity(glob: string): number {
  return glob.replaceAll('*', '').length;
}
