import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isBigIntegerField, storableStrings } from '../shared/fields';
import { ALL_ROUTES } from './all-routes';

/**
 * Every value a request carries is bounded before it reaches the database, on every route, present
 * and future: each string refuses NUL and unpaired surrogates and has a maximum length, each number
 * has bounds (whole numbers within a Postgres integer), and nothing is accepted unchecked.
 */
type Schema = z.core.$ZodType;
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  innerType?: Schema;
  element?: Schema;
  options?: Schema[];
  in?: Schema;
  out?: Schema;
  left?: Schema;
  right?: Schema;
  checks?: unknown[];
}

const defOf = (schema: Schema) => schema._zod.def as unknown as Def;
const INT4 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/** Each leaf of a schema with its dotted path, and whether an ancestor checks every string inside it. */
function* leaves(schema: Schema, path: string, covered: boolean): Generator<{ leaf: Schema; path: string; covered: boolean }> {
  const def = defOf(schema);
  const inside = covered || (def.checks ?? []).includes(storableStrings);
  const children: [Schema | undefined, string][] = [];
  if (def.shape) for (const [key, child] of Object.entries(def.shape)) children.push([child, path ? `${path}.${key}` : key]);
  for (const child of [def.innerType, def.element, def.in, def.out, def.left, def.right]) children.push([child, path]);
  for (const child of def.options ?? []) children.push([child, path]);
  const present = children.filter((c): c is [Schema, string] => c[0] !== undefined);
  if (present.length === 0) yield { leaf: schema, path, covered: inside };
  for (const [child, childPath] of present) yield* leaves(child, childPath, inside);
}

function problemsOf(leaf: Schema, covered: boolean): string[] {
  const type = defOf(leaf).type;
  if (type === 'string') {
    const problems: string[] = [];
    const string = leaf as unknown as z.ZodString;
    if (!covered) {
      for (const bad of ['a\u0000', '\u0000', 'a\ud800', '\udc00']) if (z.safeParse(leaf, bad).success) problems.push(`accepts ${JSON.stringify(bad)}`);
    }
    if (string.maxLength === null && !covered) problems.push('has no maximum length');
    return problems;
  }
  if (type === 'number') {
    const number = leaf as unknown as z.ZodNumber;
    if (number.minValue === null || number.maxValue === null || !Number.isFinite(number.minValue) || !Number.isFinite(number.maxValue)) return ['has no bounds'];
    // A `bigint` column's field (a token budget) is bounded to what a JSON number carries exactly instead.
    const range = isBigIntegerField(leaf) ? { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER } : INT4;
    if (number.isInt && (number.minValue < range.min || number.maxValue > range.max)) return [`does not fit a Postgres ${range === INT4 ? 'integer' : 'bigint as a JSON number'}`];
    return [];
  }
  if (['unknown', 'any', 'record', 'map', 'custom', 'bigint'].includes(type)) return [`is a free-form ${type}`];
  return [];
}

const problemsIn = (schema: Schema) =>
  [...leaves(schema, '', false)].flatMap(({ leaf, path, covered }) => problemsOf(leaf, covered).map((problem) => `${path || '(root)'} ${problem}`));

describe('request schemas of every route', () => {
  it('are checked by a walk that finds what it looks for', () => {
    const careless = z.object({
      a: z.string(),
      b: z.array(z.object({ c: z.number().int().min(0).max(2 ** 40), d: z.number().optional() })),
      e: z.unknown(),
      f: z.union([z.string().max(5), z.literal(1)]).default(1),
      spec: z.object({ g: z.string() }).check(storableStrings),
    });
    expect(problemsIn(careless)).toEqual([
      'a accepts "a\\u0000"',
      'a accepts "\\u0000"',
      'a accepts "a\\ud800"',
      'a accepts "\\udc00"',
      'a has no maximum length',
      'b.c does not fit a Postgres integer',
      'b.d has no bounds',
      'e is a free-form unknown',
      'f accepts "a\\u0000"',
      'f accepts "\\u0000"',
      'f accepts "a\\ud800"',
      'f accepts "\\udc00"',
    ]);
  });

  const parts = ALL_ROUTES.flatMap((route) =>
    (['params', 'query', 'body'] as const).filter((part) => route[part]).map((part) => ({ route, part, schema: route[part] as Schema })),
  );

  it('cover every route that takes input', () => {
    expect(parts.length).toBeGreaterThan(20);
  });

  it.each(parts.map((p) => [`${p.route.method} ${p.route.path} ${p.part}`, p.schema] as const))('%s: bounded, storable values only', (_name, schema) => {
    expect(problemsIn(schema)).toEqual([]);
  });
});
