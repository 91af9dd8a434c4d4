import { describe, expect, it } from 'vitest';
import { ID_PREFIXES, type IdKind, idTimestamp, isId, newId } from './ids';

const kinds = Object.keys(ID_PREFIXES) as IdKind[];

describe('newId', () => {
  it.each(kinds)('makes a well-formed %s id with its prefix', (kind) => {
    const id = newId(kind);
    expect(id.startsWith(`${ID_PREFIXES[kind]}_`)).toBe(true);
    expect(isId(kind, id)).toBe(true);
    expect(encodeURIComponent(id)).toBe(id);
  });

  it('sorts by creation time', () => {
    const earlier = newId('deployment', Date.UTC(2026, 0, 1));
    const later = newId('deployment', Date.UTC(2026, 0, 1) + 1);
    expect(earlier < later).toBe(true);
    expect([later, earlier].sort()).toEqual([earlier, later]);
  });

  it('encodes the timestamp it was given', () => {
    const at = Date.UTC(2031, 4, 6, 7, 8, 9, 123);
    expect(idTimestamp('deployment', newId('deployment', at)).getTime()).toBe(at);
    expect(idTimestamp('organization', newId('organization', 0)).getTime()).toBe(0);
    expect(idTimestamp('node', newId('node', 2 ** 48 - 1)).getTime()).toBe(2 ** 48 - 1);
  });

  it('refuses timestamps it cannot encode', () => {
    expect(() => newId('deployment', -1)).toThrow(RangeError);
    expect(() => newId('deployment', 2 ** 48)).toThrow(RangeError);
    expect(() => newId('deployment', 1.5)).toThrow(RangeError);
  });

  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('apiKey', 1)));
    expect(ids.size).toBe(10_000);
  });
});

describe('isId', () => {
  const good = newId('deployment');

  it.each([
    ['another kind', newId('organization')],
    ['upper case', good.toUpperCase()],
    ['a letter outside the alphabet', `${good.slice(0, -1)}u`],
    ['one character short', good.slice(0, -1)],
    ['one character long', `${good}0`],
    ['a path separator', `${good.slice(0, -1)}/`],
    ['an encoded separator', `${good.slice(0, -3)}%2f`],
    ['no prefix', good.slice(4)],
    ['an empty string', ''],
  ])('refuses %s', (_, value) => {
    expect(isId('deployment', value)).toBe(false);
  });

  it.each([undefined, null, 42, {}, ['dep_']])('refuses the non-string %s', (value) => {
    expect(isId('deployment', value)).toBe(false);
  });

  it('refuses to read the time of a malformed id', () => {
    expect(() => idTimestamp('deployment', 'dep_nope')).toThrow(TypeError);
  });
});
