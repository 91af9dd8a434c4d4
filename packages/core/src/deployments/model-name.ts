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

/** Whether a glob alias matches a model name (`*` = any run of characters, possibly empty). */
export function globMatches(glob: string, name: string): boolean {
  const pattern = glob.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return new RegExp(`^${pattern.join('.*')}$`).test(name);
}

/** How specific a glob is: its literal characters; the most specific matching glob wins. */
export function globSpecificity(glob: string): number {
  return glob.replaceAll('*', '').length;
}
