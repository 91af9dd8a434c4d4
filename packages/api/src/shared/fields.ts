import { type IdKind, isId } from '@gguf/core';
import { z } from 'zod';

/**
 * Request field helpers, so every endpoint words the same mistake the same way and every value
 * fits the column it ends up in: a refused value is a 400 naming its field, never a database error.
 */

// Half of a UTF-16 surrogate pair on its own (JSON's "\ud800" escape makes one).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_MESSAGE = 'must be valid text: no NUL characters or unpaired surrogates';

/**
 * Postgres refuses NUL in text and jsonb, jsonb refuses an unpaired surrogate, and the UTF-8
 * encoder silently turns one into U+FFFD in a text column: such strings are refused at the edge.
 */
export const isStorableText = (value: string): boolean => !value.includes('\u0000') && !LONE_SURROGATE.test(value);

const storable = z.refine<string>(isStorableText, { error: UNSTORABLE_MESSAGE, abort: true });

/** The one string field: every string a request carries is storable text of a bounded length. */
export const text = (max: number) => z.string().check(storable).max(max, `must be at most ${max} characters`);

/**
 * For a schema defined outside this package (the deployment spec in @gguf/core): refuses the first
 * string anywhere inside the parsed value that `text` would refuse, naming its path.
 */
export const storableStrings = z.superRefine<unknown>((value, ctx) => {
  const path = firstUnstorable(value);
  if (path) ctx.addIssue({ code: 'custom', message: UNSTORABLE_MESSAGE, path, input: value });
});

// Iterative, and a path is built only for a hit: whatever a looser schema lets through may be nested
// as deeply as a 1 MB body allows.
interface Visit {
  value: unknown;
  key?: string | number;
  parent?: Visit;
}

function firstUnstorable(root: unknown): (string | number)[] | null {
  const stack: Visit[] = [{ value: root }];
  for (let visit = stack.pop(); visit; visit = stack.pop()) {
    const { value } = visit;
    if (typeof value === 'string' && !isStorableText(value)) return pathOf(visit);
    if (!value || typeof value !== 'object') continue;
    const entries = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
    for (const [key, item] of entries.reverse()) {
      if (typeof key === 'string' && !isStorableText(key)) return pathOf(visit);
      stack.push({ value: item, key, parent: visit });
    }
  }
  return null;
}

function pathOf(visit: Visit): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) path.unshift(at.key);
  return path;
}

export const name = text(100).trim().min(1, 'must not be empty');

export const email = z.email('must be an email address').max(254, 'must be at most 254 characters').check(storable);

export const password = text(200).min(12, 'must be at least 12 characters');

export const idOf = (kind: IdKind) => text(64).refine((value) => isId(kind, value), `must be a ${kind} id`);

/** A path parameter: an id is looked up (a malformed one answers 404 like a missing one), so only its text is checked here. */
export const pathParam = text(64);

// Postgres `integer`: a whole number outside these bounds cannot be stored or compared with one.
const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;

function bounded(schema: z.ZodNumber, min: number, max: number): z.ZodNumber {
  if (min < INT4_MIN || max > INT4_MAX) throw new RangeError(`integer field bounds ${min}..${max} do not fit a Postgres integer`);
  return schema.int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
}

/** A whole number in a JSON body, bounded so it always fits an `integer` column. */
export const integer = (min: number, max: number) => bounded(z.number({ error: 'must be a number' }), min, max);

/** The same, read from the query string. */
export const queryInteger = (min: number, max: number) => bounded(z.coerce.number({ error: 'must be a number' }), min, max);

const BIGINT_FIELDS = new WeakSet<z.core.$ZodType>();
export const isBigIntegerField = (schema: z.core.$ZodType): boolean => BIGINT_FIELDS.has(schema);

/**
 * A whole number for a Postgres `bigint` column (a key's monthly token budget), bounded to what a JSON
 * number carries exactly. Marked so the check that every request number fits an `integer` knows it.
 */
export const bigInteger = (min: number, max: number) => {
  if (min < -Number.MAX_SAFE_INTEGER || max > Number.MAX_SAFE_INTEGER) throw new RangeError(`bigint field bounds ${min}..${max} are not exact as JSON numbers`);
  const schema = z.number({ error: 'must be a number' }).int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
  BIGINT_FIELDS.add(schema);
  return schema;
};

// Postgres timestamps have no year 0 and ISO 8601 output has four-digit years: years 1 to 9999, in UTC.
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

export const timestamp = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z' })
  .max(40, 'must be at most 40 characters')
  .refine((value) => {
    const time = Date.parse(value);
    return time >= EARLIEST && time <= LATEST;
  }, 'must be between the years 1 and 9999 (UTC)');

export const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);
