import { describe, expect, it } from 'vitest';
import { GGUF_HEADER_BYTES, isGgufHeader } from './gguf';

const header = (magic: string, version: number, extra = 0) => {
  const bytes = new Uint8Array(GGUF_HEADER_BYTES + extra);
  bytes.set(new TextEncoder().encode(magic).subarray(0, 4));
  new DataView(bytes.buffer).setUint32(4, version, true);
  return bytes;
};

describe('isGgufHeader', () => {
  it.each([
    ['version 3', header('GGUF', 3)],
    ['version 2', header('GGUF', 2)],
    ['followed by more bytes', header('GGUF', 3, 100)],
    ['inside a larger buffer', header('GGUF', 3).subarray(0)],
  ])('accepts %s', (_, bytes) => {
    expect(isGgufHeader(bytes)).toBe(true);
  });

  it('reads a view that does not start at its buffer\'s beginning', () => {
    const buffer = new Uint8Array(20);
    buffer.set(header('GGUF', 3), 5);
    expect(isGgufHeader(buffer.subarray(5))).toBe(true);
  });

  it.each([
    ['an HTML error page', new TextEncoder().encode('<!DOCTYPE html><html>')],
    ['a wrong magic', header('GGML', 3)],
    ['lower-case magic', header('gguf', 3)],
    ['version 0', header('GGUF', 0)],
    ['version 1 (llama.cpp no longer loads it)', header('GGUF', 1)],
    ['version 4 (newer than llama.cpp knows)', header('GGUF', 4)],
    ['a big-endian file', header('GGUF', 0x03000000)],
    ['too few bytes', header('GGUF', 3).subarray(0, 7)],
    ['nothing', new Uint8Array()],
  ])('refuses %s', (_, bytes) => {
    expect(isGgufHeader(bytes)).toBe(false);
  });
});
