import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * API key format: `gguf_` + 32 random base62 characters (190 bits) + 6 base62 characters of the
 * body's CRC-32. The checksum lets a gateway refuse a mistyped or made-up key without any I/O;
 * it is not a secret and adds no strength. Only the SHA-256 of the whole key is stored, beside a
 * short visible prefix so people can tell their keys apart.
 */
export const API_KEY_PREFIX = 'gguf_';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const KEY_LENGTH = API_KEY_PREFIX.length + RANDOM_LENGTH + CHECKSUM_LENGTH;
const VISIBLE_LENGTH = API_KEY_PREFIX.length + 6;
const SHAPE = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);

export interface NewApiKey {
  /** The secret: shown to its owner once, never stored. */
  key: string;
  /** The first characters of the key, safe to store and display. */
  prefix: string;
  /** SHA-256 of the key, hex: what the database keeps. */
  hash: string;
}

function checksum(body: string): string {
  let value = crc32(body);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

export function generateApiKey(): NewApiKey {
  let body = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) body += BASE62[randomInt(62)];
  const key = `${API_KEY_PREFIX}${body}${checksum(body)}`;
  return { key, prefix: apiKeyPrefix(key), hash: hashApiKey(key) };
}

/** True when `value` has the shape and checksum of a key this product issues. No I/O. */
export function isWellFormedApiKey(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== KEY_LENGTH || !SHAPE.test(value)) return false;
  const body = value.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + RANDOM_LENGTH);
  return checksum(body) === value.slice(API_KEY_PREFIX.length + RANDOM_LENGTH);
}

export function apiKeyPrefix(key: string): string {
  return key.slice(0, VISIBLE_LENGTH);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Compares two hex digests in time that does not depend on where they differ. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  // Unequal lengths can only come from malformed input; there is nothing secret to leak by length.
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
