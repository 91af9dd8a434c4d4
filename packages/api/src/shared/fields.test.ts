import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { idOf, integer, isStorableText, name, storableStrings, text, timestamp } from './fields';
import { pageQuery, sequenceCursor } from './pagination';

const messages = (schema: z.ZodType, value: unknown) => z.safeParse(schema, value).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
const UNSTORABLE = ': must be valid text: no NUL characters or unpaired surrogates';

describe('text', () => {
  it.each([
    ['a NUL', 'a\u0000b'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone high surrogate at the end', 'ab\ud83d'],
    ['a lone low surrogate', '\udc00ab'],
    ['two high surrogates', '\ud800\ud800\udc00'],
    ['a reversed pair', '\ude00\ud83d'],
  ])('refuses %s', (_label, value) => {
    expect(isStorableText(value)).toBe(false);
    expect(messages(text(100), value)).toEqual([UNSTORABLE]);
    expect(messages(name, value)).toEqual([UNSTORABLE]);
  });

  it.each([['plain'], ['emoji 😀 (a surrogate pair)'], ['ünïcödé 中文'], ['\u0001 other control characters'], ['\ufffd']])('accepts %j', (value) => {
    expect(isStorableText(value)).toBe(true);
    expect(text(100).parse(value)).toBe(value);
  });

  it('is bounded, and names trim before they are checked for emptiness', () => {
    expect(messages(text(3), 'abcd')).toEqual([': must be at most 3 characters']);
    expect(messages(name, '   ')).toEqual([': must not be empty']);
    expect(name.parse('  x  ')).toBe('x');
  });

  it('checks every string of a schema defined elsewhere, naming the path, keys included', () => {
    const outside = z.object({ a: z.object({ list: z.array(z.string()) }), free: z.record(z.string(), z.string()) }).check(storableStrings);
    expect(messages(outside, { a: { list: ['ok', 'b\u0000'] }, free: {} })).toEqual([`a.list.1${UNSTORABLE}`]);
    expect(messages(outside, { a: { list: [] }, free: { 'k\ud800': 'v' } })).toEqual([`free${UNSTORABLE}`]);
    expect(outside.safeParse({ a: { list: ['fine'] }, free: { k: 'v' } }).success).toBe(true);
  });

  it('walks a deeply nested value without running out of stack', () => {
    const loose = z.object({ a: z.unknown() }).check(storableStrings);
    const deep = JSON.parse(`${'{"x":['.repeat(100_000)}"\\u0000"${']}'.repeat(100_000)}`);
    const issues = loose.safeParse({ a: deep }).error?.issues ?? [];
    expect(issues.map((i) => i.path.length)).toEqual([1 + 2 * 100_000]);
  });
});

describe('idOf', () => {
  it('accepts only an id of its kind', () => {
    expect(idOf('deployment').safeParse('dep_01jq3v8kx2m6c4t7w9yzab3def').success).toBe(true);
    expect(messages(idOf('deployment'), 'key_01jq3v8kx2m6c4t7w9yzab3def')).toEqual([': must be a deployment id']);
    expect(messages(idOf('deployment'), 'dep_\u0000')).toEqual([UNSTORABLE]);
  });
});

describe('integer', () => {
  it('refuses fractions and values outside its bounds', () => {
    expect(messages(integer(1, 10), 1.5)).toEqual([': must be a whole number']);
    expect(messages(integer(1, 10), 11)).toEqual([': must be at most 10']);
    expect(messages(integer(1, 10), '5')).toEqual([': must be a number']);
  });

  it('cannot be declared wider than a Postgres integer column', () => {
    expect(() => integer(0, 2 ** 31)).toThrow(RangeError);
    expect(() => integer(-(2 ** 31) - 1, 0)).toThrow(RangeError);
  });
});

describe('timestamp', () => {
  it.each([['0001-01-01T00:00:00Z'], ['9999-12-31T23:59:59.999Z'], ['2026-01-31T12:00:00+02:00']])('accepts %s', (value) => {
    expect(timestamp.safeParse(value).success).toBe(true);
  });

  it.each([
    ['0000-01-01T00:00:00Z', 'must be between the years 1 and 9999 (UTC)'],
    ['0001-01-01T00:00:00+01:00', 'must be between the years 1 and 9999 (UTC)'],
    ['9999-12-31T23:59:59-01:00', 'must be between the years 1 and 9999 (UTC)'],
    ['2026-02-30T00:00:00Z', 'must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z'],
    ['yesterday', 'must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z'],
  ])('refuses %s', (value, message) => {
    expect(messages(timestamp, value)[0]).toBe(`: ${message}`);
  });
});

describe('cursors', () => {
  it('bound a sequence cursor to non-negative digits within a Postgres bigint', () => {
    expect(sequenceCursor.safeParse('9223372036854775807').success).toBe(true);
    expect(sequenceCursor.safeParse('0').success).toBe(true);
    for (const bad of ['9223372036854775808', '9999999999999999999', '-1', '1.5', '1e3', '', ' 1', '\u0000']) {
      expect(sequenceCursor.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('bound an id cursor to the characters of an id', () => {
    expect(pageQuery.safeParse({ cursor: 'dep_01jq3v8kx2m6c4t7w9yzab3def' }).success).toBe(true);
    for (const bad of ['\u0000', "dep_' OR 1=1", 'DEP_X', 'x'.repeat(65), '%00']) {
      expect(messages(pageQuery, { cursor: bad })[0], bad).toMatch(/^cursor: /);
    }
  });
});
