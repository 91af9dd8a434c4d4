import { randomFillSync } from 'node:crypto';

/**
 * Prefixed, time-sortable, URL-safe identifiers: `dep_01jq3v8kx2m6c4t7w9yzab3def`.
 *
 * The body is 26 characters of lower-case Crockford base32: 10 for the millisecond timestamp
 * (so ids sort by creation time and work as pagination cursors) and 16 for 80 random bits
 * (so ids cannot be guessed). The alphabet has no I, L, O or U and needs no escaping in a
 * URL path, and the fixed length lets a malformed id be refused before any lookup.
 */
export const ID_PREFIXES = {
  organization: 'org',
  user: 'usr',
  apiKey: 'key',
  deployment: 'dep',
  server: 'srv',
  node: 'node',
  invitation: 'inv',
  session: 'ses',
  request: 'req',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_LENGTH = 10;
const RANDOM_LENGTH = 16;
const BODY_LENGTH = TIME_LENGTH + RANDOM_LENGTH;
const MAX_TIME = 2 ** 48 - 1;

const patterns = Object.fromEntries(
  Object.entries(ID_PREFIXES).map(([kind, prefix]) => [kind, new RegExp(`^${prefix}_[0-9a-hjkmnp-tv-z]{${BODY_LENGTH}}$`)]),
) as Record<IdKind, RegExp>;

function encodeTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_TIME) throw new RangeError(`timestamp out of range: ${ms}`);
  let out = '';
  let rest = ms;
  for (let i = 0; i < TIME_LENGTH; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

// Random bytes are drawn from a pool refilled in bulk: one randomFillSync per 409 ids instead of one per id
// matters on the gateway, which names every request.
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

function encodeRandom(): string {
  // 10 random bytes = 80 bits = 16 base32 characters, 5 bits each, taken as two 40-bit halves.
  if (poolOffset + 10 > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let out = '';
  for (let half = 0; half < 2; half++) {
    let bits = pool.readUIntBE(poolOffset, 5);
    poolOffset += 5;
    let chars = '';
    for (let i = 0; i < 8; i++) {
      chars = ALPHABET[bits % 32] + chars;
      bits = Math.floor(bits / 32);
    }
    out += chars;
  }
  return out;
}

/** A new id of the given kind, stamped with `now` (milliseconds since the epoch). */
export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${ID_PREFIXES[kind]}_${encodeTime(now)}${encodeRandom()}`;
}

/** True when `value` is a well-formed id of `kind`; no lookup, constant cost. */
export function isId(kind: IdKind, value: unknown): value is string {
  return typeof value === 'string' && value.length === ID_PREFIXES[kind].length + 1 + BODY_LENGTH && patterns[kind].test(value);
}

/** The creation time encoded in a well-formed id. */
export function idTimestamp(kind: IdKind, id: string): Date {
  if (!isId(kind, id)) throw new TypeError(`not a ${kind} id`);
  const body = id.slice(ID_PREFIXES[kind].length + 1, ID_PREFIXES[kind].length + 1 + TIME_LENGTH);
  let ms = 0;
  for (const ch of body) ms = ms * 32 + ALPHABET.indexOf(ch);
  return new Date(ms);
}
