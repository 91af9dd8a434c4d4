import { describe, expect, it } from 'vitest';
import { nodeIsolation } from './node-isolation';
import { libraryOf } from './node-library';

describe('a node’s isolation', () => {
  it.each([
    ['docker', 'none', 'sealed'],
    ['docker', 'host', 'network'],
    ['docker', 'bridge', 'network'],
    ['process', 'none', 'none'],
    ['process', 'host', 'none'],
    ['process', 'bridge', 'none'],
  ] as const)('%s runtime with %s network: %s', (runtimeKind, networkMode, isolation) => {
    expect(nodeIsolation({ runtimeKind, networkMode })).toBe(isolation);
  });
});

describe('a node’s library', () => {
  const entry = { path: 'qwen/Qwen3-0.6B-Q4_K_M.gguf', bytes: 484_220_320, modified_at: '2026-03-01T12:00:00.000Z' };

  it('is null until a worker reported, and what it reported after', () => {
    expect(libraryOf(null)).toBeNull();
    expect(libraryOf([])).toEqual([]);
    expect(libraryOf([entry])).toEqual([entry]);
  });

  it('leaves out entries of another shape (and fields it does not know) instead of failing the node', () => {
    expect(libraryOf([entry, { path: 'x.gguf' }, 'y.gguf', { ...entry, bytes: -1 }, { ...entry, extra: true }])).toEqual([entry, entry]);
    expect(libraryOf({ path: 'x.gguf' })).toBeNull();
  });
});
