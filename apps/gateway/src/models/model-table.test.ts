import { describe, expect, it } from 'vitest';
import { allowedDeploymentIds, keyResolveOptions } from './model-access';
import { buildModelTable, type DeploymentRow, globPrecedence, resolveModel } from './model-table';

const row = (id: string, modelName: string, modelAliases: string[] = [], status = 'running'): DeploymentRow => ({ id, modelName, modelAliases, status, createdAt: new Date(0) });

const rows = [
  row('dep_qwen', 'qwen-coder', ['qwen', 'claude-*', 'gpt-4*']),
  row('dep_llama', 'llama-3.1-8b', ['llama', 'claude-*-haiku-*', 'gpt-*']),
  row('dep_embed', 'nomic-embed', ['text-embedding-*'], 'stopped'),
];
const table = buildModelTable('org_1', rows, 'dep_llama');
const noDefault = buildModelTable('org_1', rows, null);

describe('resolveModel', () => {
  it.each([
    ['qwen-coder', 'dep_qwen', 'name'],
    ['QWEN-Coder', 'dep_qwen', 'name'],
    ['qwen', 'dep_qwen', 'alias'],
    ['llama', 'dep_llama', 'alias'],
    ['claude-sonnet-4-5', 'dep_qwen', 'glob'],
    // claude-*-haiku-* has more literal characters than claude-*.
    ['claude-3-5-haiku-20241022', 'dep_llama', 'glob'],
    // gpt-4* (5 literal characters) beats gpt-* (4).
    ['gpt-4o', 'dep_qwen', 'glob'],
    ['gpt-3.5-turbo', 'dep_llama', 'glob'],
    ['text-embedding-3-small', 'dep_embed', 'glob'],
    ['mistral', 'dep_llama', 'default'],
    ['', 'dep_llama', 'default'],
  ])('%s → %s by %s', (name, id, via) => {
    expect(resolveModel(table, name)).toMatchObject({ deployment: { id }, via });
  });

  it('answers nothing for a name that matches nothing without a default, or when asked not to fall back', () => {
    expect(resolveModel(noDefault, 'mistral')).toBeUndefined();
    expect(resolveModel(table, 'mistral', { fallback: false })).toBeUndefined();
    expect(resolveModel(noDefault, 'claude-opus')).toMatchObject({ deployment: { id: 'dep_qwen' } });
  });

  it('prefers an exact name over an alias, and an alias over a glob', () => {
    const clash = buildModelTable('org', [row('dep_a', 'a', ['x-*']), row('dep_b', 'x-1', ['a']), row('dep_c', 'c', ['x-2'])], null);
    expect(resolveModel(clash, 'a')?.deployment.id).toBe('dep_a');
    expect(resolveModel(clash, 'x-1')?.deployment.id).toBe('dep_b');
    expect(resolveModel(clash, 'x-2')?.deployment.id).toBe('dep_c');
    expect(resolveModel(clash, 'x-3')?.deployment.id).toBe('dep_a');
  });

  it('skips deployments the caller may not use, as if they did not exist', () => {
    const onlyLlama = (d: { id: string }) => d.id === 'dep_llama';
    expect(resolveModel(table, 'qwen-coder', { mayUse: onlyLlama })).toMatchObject({ deployment: { id: 'dep_llama' }, via: 'default' });
    expect(resolveModel(noDefault, 'qwen-coder', { mayUse: onlyLlama })).toBeUndefined();
    expect(resolveModel(table, 'claude-sonnet', { mayUse: onlyLlama })).toMatchObject({ deployment: { id: 'dep_llama' }, via: 'default' });
    const onlyQwen = (d: { id: string }) => d.id === 'dep_qwen';
    expect(resolveModel(table, 'mistral', { mayUse: onlyQwen })).toBeUndefined();
    expect(resolveModel(table, 'claude-3-haiku-x', { mayUse: onlyQwen })).toMatchObject({ deployment: { id: 'dep_qwen' }, via: 'glob' });
  });

  it('ignores a default deployment that is not among the live ones', () => {
    expect(resolveModel(buildModelTable('org', rows, 'dep_deleted'), 'mistral')).toBeUndefined();
  });

  it('remembers unrestricted answers, and rebuilding the table forgets them', () => {
    expect(resolveModel(table, 'claude-opus-4')).toBe(resolveModel(table, 'claude-opus-4'));
    expect(table.memo.has('claude-opus-4')).toBe(true);
    expect(buildModelTable('org_1', rows, null).memo.size).toBe(0);
  });
});

describe('globPrecedence', () => {
  it.each([
    ['claude-*-haiku-*', 'claude-*', -1],
    ['a*b', 'a**b', -1],
    ['*-x', 'x-*', -1],
    ['x-*', 'x-*', 0],
  ])('%s before %s: %i', (a, b, sign) => {
    expect(Math.sign(globPrecedence(a, b))).toBe(sign);
  });

  it('orders the table’s globs the same whatever the order of the rows', () => {
    const reversed = buildModelTable('org_1', [...rows].reverse(), 'dep_llama');
    expect(reversed.globs.map((g) => g.glob)).toEqual(table.globs.map((g) => g.glob));
    expect(table.globs.map((g) => g.glob)).toEqual(['text-embedding-*', 'claude-*-haiku-*', 'claude-*', 'gpt-4*', 'gpt-*']);
  });
});

describe('allowedDeploymentIds', () => {
  it.each([
    [['dep_embed'], ['dep_embed']],
    [['qwen-coder'], ['dep_qwen']],
    [['llama'], ['dep_llama']],
    // A name reaching a deployment through its glob alias.
    [['claude-3-5-haiku-1'], ['dep_llama']],
    [['claude-sonnet-4'], ['dep_qwen']],
    // Globs over model names and exact aliases, and a glob identical to a deployment's glob alias.
    [['qwen*'], ['dep_qwen']],
    [['llama*'], ['dep_llama']],
    [['text-embedding-*'], ['dep_embed']],
    [['*'], ['dep_embed', 'dep_llama', 'dep_qwen']],
    // A name that only the default deployment would serve does not grant the default.
    [['mistral'], []],
    [['dep_gone', 'nomic-embed', 'qwen'], ['dep_embed', 'dep_qwen']],
  ])('%j allows %j', (allowed, ids) => {
    expect([...allowedDeploymentIds(table, allowed)].sort()).toEqual(ids);
  });

  it('computes once per table and key record', () => {
    const allowed = ['qwen'];
    expect(allowedDeploymentIds(table, allowed)).toBe(allowedDeploymentIds(table, allowed));
    expect(keyResolveOptions(table, null)).toEqual({});
    const options = keyResolveOptions(table, allowed);
    expect(options.mayUse?.(table.byId.get('dep_qwen')!)).toBe(true);
    expect(options.mayUse?.(table.byId.get('dep_llama')!)).toBe(false);
    // The key's own answers are remembered apart from the unrestricted ones.
    expect(resolveModel(table, 'llama', options)).toBeUndefined();
    expect(options.memo?.has('llama')).toBe(true);
    expect(resolveModel(table, 'llama')?.deployment.id).toBe('dep_llama');
  });
});
