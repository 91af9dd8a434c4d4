import { describe, expect, it } from 'vitest';
import { formatSize } from './format-size';

describe('formatSize', () => {
  const GiB = 1024 ** 3;
  it.each([
    [0, '0 bytes'],
    [900, '900 bytes'],
    [1024, '1 KiB'],
    [100 * 1024, '100 KiB'],
    [512 * 1024 ** 2, '512 MiB'],
    [1.5 * GiB, '1.5 GiB'],
    [1_288_490_189, '1.2 GiB'],
    [20 * GiB, '20 GiB'],
    [1024 * GiB - 1, '1024 GiB'],
    [3 * 1024 * GiB, '3 TiB'],
  ])('%d bytes are %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});
