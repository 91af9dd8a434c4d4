import { describe, expect, it } from 'vitest';
import { globMatches, globSpecificity, modelAlias, modelName, modelNameSlug } from './model-name';

describe('model names', () => {
  it.each([
    ['Qwen3 Coder', 'qwen3-coder'],
    ['Llama 3.1 8B!', 'llama-3.1-8b'],
    ['unsloth/Qwen3-0.6B-GGUF', 'unsloth/qwen3-0.6b-gguf'],
    ['--x--', 'x'],
    ['模型', 'model'],
  ])('slugs %s as %s', (name, slug) => {
    expect(modelNameSlug(name)).toBe(slug);
    expect(modelName.safeParse(slug).success).toBe(true);
  });

  it('refuses names and aliases outside the alphabet, and a bare "*"', () => {
    for (const bad of ['Qwen', 'a b', '', 'x'.repeat(101), 'a*b']) expect(modelName.safeParse(bad).success).toBe(false);
    for (const bad of ['*', 'Claude-*', 'a?b']) expect(modelAlias.safeParse(bad).success).toBe(false);
    expect(modelAlias.safeParse('claude-*-haiku-*').success).toBe(true);
  });

  it.each([
    ['claude-*', 'claude-sonnet-4-5', true],
    ['claude-*-haiku-*', 'claude-3-5-haiku-20241022', true],
    ['claude-*-haiku-*', 'claude-sonnet-4-5', false],
    ['gpt-4.1*', 'gpt-4.1-mini', true],
    ['gpt-4.1*', 'gpt-401', false],
    ['*-coder', 'qwen3-coder', true],
    ['*', '', true],
    ['a*a', 'a', false],
    ['a*a', 'aa', true],
    ['*.*', 'gpt-4.1', true],
    ['x*y*z', 'xzy', false],
    ['x*y*z', 'xyyzz', true],
  ])('matches %s against %s: %s', (glob, name, expected) => {
    expect(globMatches(glob, name)).toBe(expected);
  });

  it('matches a glob of many stars against a long name without backtracking', () => {
    const glob = `${'*a'.repeat(45)}*`;
    expect(globMatches(glob, `${'a'.repeat(10_000)}b`)).toBe(true);
    expect(globMatches(`${glob}c`, `${'a'.repeat(10_000)}b`)).toBe(false);
  });

  it('ranks globs by their literal characters', () => {
    expect(globSpecificity('claude-*-haiku-*')).toBeGreaterThan(globSpecificity('claude-*'));
  });
});
