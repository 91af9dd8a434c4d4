import { type IdKind, newId } from '@gguf/core';
import { seededRandom as seededNumbers } from '@gguf/testkit';
import type { z } from 'zod';

/**
 * The pieces of a deterministic REST fuzz: a seeded random source, a valid sample body built from
 * a route's own zod schema (so a new route is fuzzed without being listed anywhere), and the bad
 * values, bodies, query strings and path parameters a careless or hostile client sends.
 */

/** A seeded random source with the helpers the fuzz draws with (the same sequence for a seed on every machine). */
export function seededRandom(seed: number) {
  const next = seededNumbers(seed);
  return { next, chance: (p: number) => next() < p, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T };
}
export type Random = ReturnType<typeof seededRandom>;

/** Values a schema walk cannot invent (pattern-checked or unique fields), by field name; undefined leaves the field out. */
export type Hints = Record<string, (variant: number) => unknown>;

interface Def {
  type: string;
  shape?: Record<string, z.core.$ZodType>;
  innerType?: z.core.$ZodType;
  element?: z.core.$ZodType;
  options?: z.core.$ZodType[];
  in?: z.core.$ZodType;
  entries?: Record<string, string>;
  values?: unknown[];
}

/** A value the schema should accept, every optional field filled in so every field gets fuzzed. */
export function sampleOf(schema: z.core.$ZodType, hints: Hints, variant = 0): unknown {
  const def = schema._zod.def as unknown as Def;
  switch (def.type) {
    case 'object': {
      const fields = Object.entries(def.shape ?? {}).map(([key, field]) => [key, key in hints ? hints[key]?.(variant) : sampleOf(field, hints, variant)]);
      return Object.fromEntries(fields.filter(([, value]) => value !== undefined));
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
      return sampleOf(def.innerType as z.core.$ZodType, hints, variant);
    case 'pipe':
      return sampleOf(def.in as z.core.$ZodType, hints, variant);
    case 'array':
      return [sampleOf(def.element as z.core.$ZodType, hints, variant)];
    case 'union':
      return sampleOf(def.options?.[variant % def.options.length] as z.core.$ZodType, hints, variant);
    case 'string':
      return stringSample((schema as unknown as z.ZodString).format, variant);
    case 'number': {
      const number = schema as unknown as z.ZodNumber;
      return Number.isFinite(number.minValue) ? number.minValue : 1;
    }
    case 'boolean':
      return false;
    case 'enum':
      return Object.values(def.entries ?? {})[0];
    case 'literal':
      return def.values?.[0];
    default:
      return undefined;
  }
}

function stringSample(format: string | null, variant: number): string {
  if (format === 'email') return `fuzz-${variant}-${Date.now()}@example.com`;
  if (format === 'url') return 'https://models.example.com/fuzz.gguf';
  if (format === 'datetime') return new Date(Date.now() + 86_400_000).toISOString();
  return `fuzz ${variant}`;
}

/** Paths (dotted, as the API's `param` names them) of every string in a JSON value. */
export function stringLeaves(value: unknown, path: string[] = []): string[] {
  if (typeof value === 'string') return [path.join('.')];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringLeaves(item, [...path, String(index)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => stringLeaves(item, [...path, key]));
  return [];
}

/** Every path in a JSON value, containers included. */
function allPaths(value: unknown, path: string[] = []): string[][] {
  const children = Array.isArray(value) ? value.map((item, i) => [String(i), item] as const) : value && typeof value === 'object' ? Object.entries(value) : [];
  return [path, ...children.flatMap(([key, item]) => allPaths(item, [...path, key]))];
}

const MARKER = '"__fuzz_marker__"';

/** The JSON text of `value` with the value at `path` replaced by a raw JSON fragment. */
export function replaceAt(value: unknown, path: readonly string[], fragment: string): string {
  if (path.length === 0) return fragment;
  const copy = structuredClone(value) as Record<string, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[path.at(-1) as string] = JSON.parse(MARKER);
  return JSON.stringify(copy).replace(MARKER, fragment);
}

/** A copy of `value` without the field or element at `path`. */
function without(value: unknown, path: readonly string[]): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  const last = path.at(-1) as string;
  if (Array.isArray(at)) at.splice(Number(last), 1);
  else delete at[last];
  return copy;
}

const nested = (open: string, close: string, depth: number, inner = '1') => open.repeat(depth) + inner + close.repeat(depth);

/** Bad values as raw JSON fragments: wrong types, unstorable text, numbers no column holds, depth. */
export const BAD_FRAGMENTS: readonly string[] = [
  'null', 'true', 'false', '0', '-1', '-0', '1.5', '-0.000001', '2147483648', '-2147483649', '9007199254740993',
  '9223372036854775808', '1e308', '-1e308', '1e999', '123456789012345678901234567890', '[]', '{}', '[null]', '[[["x"]]]',
  '""', '" "', '"\\u0000"', '"a\\u0000b"', '"\\ud800"', '"x\\udbff"', '"\\udc00x"', '"\\udfff\\ud800"', '"\\ud83d\\ude00"',
  '"0000-01-01T00:00:00Z"', '"9999-12-31T23:59:59-01:00"', '"9999999999999999999"', '"-1"', '"1.5"', '"true"',
  `"${'x'.repeat(100_000)}"`, `"${'\\u0000'.repeat(1000)}"`, '"\'; DROP TABLE users; --"', '"../../../etc/passwd.gguf"',
  '"dep_01jq3v8kx2m6c4t7w9yzab3def"', '"org_01jq3v8kx2m6c4t7w9yzab3def"', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}',
  nested('[', ']', 20_000), nested('{"a":', '}', 20_000),
];

const ONE_MB = 1024 * 1024;

/** Whole bodies: not JSON, not an object, not UTF-8, too deep, too big. Strings are sent as UTF-8. */
export type RawBody = string | Uint8Array<ArrayBuffer>;

export const RAW_BODIES: readonly RawBody[] = [
  '', ' ', '{', '}', '{"name":', '{"name" "x"}', 'nul', 'null', 'true', '0', '"text"', '[]', '[{}]', '{}', '\u0000', '{"name":"\\ud800"}',
  '{"name":"x"} trailing', '\ufeff{"name":"x"}', '{"name":"a","name":"b"}', "{'name':'x'}", '{"name":NaN}', '{"name":Infinity}',
  nested('[', ']', 200_000, ''), nested('{"a":', '}', 100_000), `"${'x'.repeat(ONE_MB - 16)}"`, `"${'x'.repeat(ONE_MB + 16)}"`,
  new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]), new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
  new Uint8Array([0xc0, 0xfb, 0xc0, 0xfd]), new TextEncoder().encode('{"name":"\u0000"}'), new Uint8Array(2048),
];

export const BAD_CONTENT_TYPES: readonly (string | null)[] = [
  null, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx',
  'application/json; charset=utf-16', 'application/vnd.api+json', '*/*', 'application/json, text/plain', 'x'.repeat(4096),
];

/** Query values, already percent-encoded as they arrive on the wire. */
export const BAD_QUERY_VALUES: readonly string[] = [
  '', '%20', '%00', 'a%00b', '%ED%A0%80', '%ED%B0%80', '%F4%90%80%80', '%C0%80', '%FF', '%', '%%', '%zz', '-1', '0', '1.5', '1e309',
  'Infinity', 'NaN', '0x10', '1_000', '9999999999999999999', '9223372036854775807', '9223372036854775808', '-9223372036854775809',
  '0000-01-01T00:00:00Z', '0001-01-01T00:00:00%2B01:00', '10000-01-01T00:00:00Z', '9999-12-31T23:59:59-01:00', '2026-02-30T00:00:00Z',
  'x'.repeat(5000), "dep_'%20OR%201%3D1%20--", 'dep_01jq3v8kx2m6c4t7w9yzab3def', 'DEP_01JQ3V8KX2M6C4T7W9YZAB3DEF', '[]', '%7B%7D',
];

/** Path parameters as the router hands them over: already decoded, so anything a string can hold. */
export const BAD_PARAMS: readonly string[] = [
  '', ' ', '\u0000', 'dep_\u0000', '\ud800', '\udc00x', 'x'.repeat(65), 'x'.repeat(10_000), '../..', '%00', '%ED%A0%80',
  "dep_' OR '1'='1", 'DEP_01JQ3V8KX2M6C4T7W9YZAB3DEF', 'dep_01jq3v8kx2m6c4t7w9yzab3def', 'usr_01jq3v8kx2m6c4t7w9yzab3def', '😀',
];

export const UNKNOWN_KEYS: readonly string[] = ['unknown', '\u0000', '\ud800', '__proto__', 'constructor', 'x'.repeat(10_000), ''];

/** One randomly malformed body built from a valid sample. */
export function mutateBody(random: Random, sample: unknown): { body: RawBody; contentType?: string | null } {
  const text = JSON.stringify(sample);
  switch (random.pick(['leaf', 'leaf', 'leaf', 'drop', 'extra', 'raw', 'type', 'valid'] as const)) {
    case 'leaf':
      return { body: replaceAt(sample, random.pick(allPaths(sample)), random.pick(BAD_FRAGMENTS)) };
    case 'drop': {
      const path = random.pick(allPaths(sample).filter((p) => p.length > 0));
      return { body: path ? JSON.stringify(without(sample, path)) : text };
    }
    case 'extra': {
      const entry = `${JSON.stringify(random.pick(UNKNOWN_KEYS))}:${random.pick(BAD_FRAGMENTS)}`;
      return { body: text === '{}' ? `{${entry}}` : text.replace(/^\{/, `{${entry},`) };
    }
    case 'raw':
      return { body: random.pick(RAW_BODIES) };
    case 'type':
      return { body: text, contentType: random.pick(BAD_CONTENT_TYPES) };
    case 'valid':
      return { body: text };
  }
}

/** Ids by kind: the caller's own, and objects it must not reach (another organization's). */
export interface IdPools {
  own: Partial<Record<IdKind, string[]>>;
  foreign: Partial<Record<IdKind, string[]>>;
}

/** Mostly an id the caller may use, else another organization's, an id of another kind, or junk. */
export function randomParam(random: Random, pools: IdPools, kind: IdKind): string {
  const roll = random.next();
  if (roll < 0.55) return random.pick(pools.own[kind] ?? [newId(kind)]);
  if (roll < 0.65) return random.pick(pools.foreign[kind] ?? [newId(kind)]);
  if (roll < 0.75) return random.pick(Object.values(pools.own).flat());
  return random.pick(BAD_PARAMS);
}

/** Some of the route's own query keys, valid or not, now and then a key it does not know. */
export function randomQuery(random: Random, keys: readonly string[], valid: Record<string, () => string>): string {
  const parts: string[] = [];
  for (const key of keys) {
    if (random.chance(0.5)) continue;
    parts.push(`${key}=${random.chance(0.5) ? encodeURIComponent(valid[key]?.() ?? 'x') : random.pick(BAD_QUERY_VALUES)}`);
  }
  if (random.chance(0.2)) parts.push(`${random.pick(['zz', '%00', 'limit', 'cursor', '__proto__'])}=${random.pick(BAD_QUERY_VALUES)}`);
  return parts.join('&');
}
