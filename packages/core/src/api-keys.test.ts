import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { API_KEY_PREFIX, apiKeyPrefix, digestsEqual, generateApiKey, hashApiKey, isWellFormedApiKey } from './api-keys';

describe('generateApiKey', () => {
  it('makes a prefixed key with a visible start and its SHA-256', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(key.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(key).toHaveLength(43);
    expect(key.startsWith(prefix)).toBe(true);
    expect(prefix).toHaveLength(11);
    expect(hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hash).not.toContain(key.slice(API_KEY_PREFIX.length));
  });

  it('carries at least 128 bits of randomness', () => {
    // 32 characters drawn uniformly from 62 symbols.
    expect(32 * Math.log2(62)).toBeGreaterThanOrEqual(128);
    const keys = Array.from({ length: 2000 }, () => generateApiKey().key);
    expect(new Set(keys).size).toBe(keys.length);
    const seen = new Set(keys.flatMap((k) => [...k.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + 32)]));
    expect(seen.size).toBe(62);
  });

  it('is URL- and header-safe', () => {
    const { key } = generateApiKey();
    expect(encodeURIComponent(key)).toBe(key);
    expect(key).toMatch(/^[A-Za-z0-9_]+$/);
  });
});

describe('isWellFormedApiKey', () => {
  const { key } = generateApiKey();
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'a' ? 'b' : 'a') + s.slice(i + 1);

  it('accepts a key it issued', () => {
    expect(isWellFormedApiKey(key)).toBe(true);
  });

  it('refuses a single mistyped character anywhere in the body or checksum', () => {
    for (let i = API_KEY_PREFIX.length; i < key.length; i++) expect(isWellFormedApiKey(flip(key, i))).toBe(false);
  });

  it.each([
    ['another prefix', `sk_${key.slice(3)}`],
    ['too short', key.slice(0, -1)],
    ['too long', `${key}a`],
    ['a non-base62 character', `${key.slice(0, 10)}-${key.slice(11)}`],
    ['surrounding space', ` ${key}`],
    ['a Bearer prefix left in', `Bearer ${key}`],
    ['empty', ''],
  ])('refuses %s', (_, value) => {
    expect(isWellFormedApiKey(value)).toBe(false);
  });

  it.each([undefined, null, 1, {}])('refuses the non-string %s', (value) => {
    expect(isWellFormedApiKey(value)).toBe(false);
  });
});

describe('digestsEqual', () => {
  it('compares digests', () => {
    const a = hashApiKey('a');
    expect(digestsEqual(a, hashApiKey('a'))).toBe(true);
    expect(digestsEqual(a, hashApiKey('b'))).toBe(false);
  });

  it('refuses digests of another length or empty ones', () => {
    expect(digestsEqual(hashApiKey('a'), hashApiKey('a').slice(0, 32))).toBe(false);
    expect(digestsEqual('', '')).toBe(false);
  });

  it('keeps the visible prefix stable', () => {
    const { key, prefix } = generateApiKey();
    expect(apiKeyPrefix(key)).toBe(prefix);
  });
});
