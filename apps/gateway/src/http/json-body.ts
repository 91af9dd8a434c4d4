import { isUtf8 } from 'node:buffer';
import { type GatewayError, invalidRequest } from './errors';

export type JsonObject = Record<string, unknown>;

export type JsonBodyResult = { ok: true; value: JsonObject } | { ok: false; error: GatewayError };

/**
 * Deepest nesting accepted. llama-server copies and serializes request JSON recursively, so a body nested
 * thousands of levels deep can overflow its stack; real requests (tool schemas included) stay far below this.
 */
export const MAX_NESTING = 128;

// A NUL character or a lone surrogate (with the u flag a valid pair is one code point and does not match \p{Cs}).
const ILL_FORMED = /[\0\p{Cs}]/u;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const [OPEN_ARRAY, OPEN_OBJECT, CLOSE_ARRAY, CLOSE_OBJECT] = [0x5b, 0x7b, 0x5d, 0x7d];

const isContainer = (value: unknown): value is object => typeof value === 'object' && value !== null;

export const isJsonObject = (value: unknown): value is JsonObject => isContainer(value) && !Array.isArray(value);

/** Whether the text holds more than `limit` brackets: native searches, a few per bracket, none per other byte. */
function bracketsExceed(body: Buffer, limit: number): boolean {
  let count = 0;
  for (const opener of [OPEN_ARRAY, OPEN_OBJECT]) {
    for (let at = body.indexOf(opener); at !== -1; at = body.indexOf(opener, at + 1)) if (++count > limit) return true;
  }
  return false;
}

/** Index of the quote that closes the string whose contents start at `from` (-1 if none). */
function closingQuote(body: Buffer, from: number): number {
  for (let at = body.indexOf(QUOTE, from); at !== -1; at = body.indexOf(QUOTE, at + 1)) {
    let backslashes = 0;
    while (body[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}

/**
 * Whether the JSON text nests deeper than MAX_NESTING, decided before parsing: JSON.parse spends about a
 * microsecond per level, so a 16 MiB body of brackets would hold the event loop for seconds. Bodies with few
 * brackets are cleared by native searches alone; others are scanned once, skipping strings with native searches.
 */
function nestsTooDeep(body: Buffer): boolean {
  if (!bracketsExceed(body, MAX_NESTING)) return false;
  let depth = 0;
  for (let at = 0; at < body.length; at++) {
    const byte = body[at] as number;
    if (byte === QUOTE) {
      at = closingQuote(body, at + 1);
      if (at === -1) return false;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > MAX_NESTING) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) depth--;
  }
  return false;
}

type Flaw = 'text' | 'number';

/** Whether one value is fine by itself: strings well-formed without NUL (checked only when asked), numbers finite. */
function flawOf(value: unknown, checkText: boolean): Flaw | undefined {
  if (typeof value === 'string') return checkText && ILL_FORMED.test(value) ? 'text' : undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'number';
  return undefined;
}

/**
 * First flaw of a parsed body, walked without recursion. Primitives are checked in place; only containers go
 * on the stack, so a long array of numbers costs one loop.
 */
function firstFlaw(root: JsonObject, checkText: boolean): Flaw | undefined {
  const stack: object[] = [root];
  while (stack.length > 0) {
    const value = stack.pop() as Record<string, unknown> | unknown[];
    const items = Array.isArray(value) ? value : Object.values(value);
    if (checkText && !Array.isArray(value)) {
      for (const key in value) if (ILL_FORMED.test(key)) return 'text';
    }
    for (const item of items) {
      if (isContainer(item)) stack.push(item);
      else {
        const flaw = flawOf(item, checkText);
        if (flaw) return flaw;
      }
    }
  }
  return undefined;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;

function pathOf(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (IDENTIFIER.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)}]`;
}

/** Where the first text or number flaw sits, for the error message; only run once a flaw is known to exist. */
function locate(root: JsonObject, kind: Flaw): string {
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop() as [unknown, string];
    if (!isContainer(value)) continue;
    const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
    for (const [key, item] of entries) {
      const at = pathOf(path, key);
      if (kind === 'text' && typeof key === 'string' && ILL_FORMED.test(key)) return `a key of ${path || 'the body'}`;
      if (flawOf(item, true) === kind) return at;
      stack.push([item, at]);
    }
  }
  return 'the body';
}

function describe(root: JsonObject, flaw: Flaw): GatewayError {
  if (flaw === 'number') return invalidRequest('invalid_json', `${locate(root, 'number')} is a number too large to represent.`);
  const where = locate(root, 'text');
  return invalidRequest('invalid_unicode', `${where} is not well-formed text: strings must not contain NUL characters or lone UTF-16 surrogates (such as \\ud800).`);
}

/**
 * The body of a POST route as llama-server will read it: UTF-8 JSON whose top level is an object, every string
 * well-formed (no lone surrogate, no NUL) and every number finite, nested at most MAX_NESTING levels. Each of
 * these, left to llama-server, is a 500 (its JSON parser rejects ill-formed text and numbers it cannot hold).
 */
export function parseJsonBody(body: Buffer): JsonBodyResult {
  if (!isUtf8(body)) return { ok: false, error: invalidRequest('invalid_json', 'The request body is not valid UTF-8.') };
  if (nestsTooDeep(body)) return { ok: false, error: invalidRequest('invalid_json', `The request body is nested deeper than ${MAX_NESTING} levels.`) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, error: invalidRequest('invalid_json', 'The request body is not valid JSON.') };
  }
  if (!isJsonObject(parsed)) return { ok: false, error: invalidRequest('invalid_json', 'The request body must be a JSON object.') };
  const value = parsed;
  // Valid UTF-8 carries no lone surrogate and valid JSON no raw NUL: only a \u escape can bring either in.
  const flaw = firstFlaw(value, body.includes('\\u'));
  return flaw ? { ok: false, error: describe(value, flaw) } : { ok: true, value };
}
