import { describe, expect, it } from 'vitest';
import { anthropicModelList, listedModels } from './model-list';
import { buildModelTable } from './model-table';

const row = (id: string, modelName: string, modelAliases: string[] = []) => ({ id, modelName, modelAliases, status: 'running', createdAt: new Date(0) });
const table = buildModelTable('org_1', [row('dep_b', 'b', ['b1', 'b-*']), row('dep_a', 'a'), row('dep_c', 'c')], null);
const models = listedModels(table, undefined);
const ids = (page: unknown) => (page as { data: { id: string }[] }).data.map((m) => m.id);

describe('listedModels', () => {
  it('lists model names in order, each followed by its exact aliases, and only what the key may use', () => {
    expect(models.map((m) => m.id)).toEqual(['a', 'b', 'b1', 'c']);
    expect(listedModels(table, (d) => d.id !== 'dep_b').map((m) => m.id)).toEqual(['a', 'c']);
  });
});

describe('anthropicModelList', () => {
  it.each([
    [{}, ['a', 'b', 'b1', 'c'], false, 'a', 'c'],
    [{ limit: '2' }, ['a', 'b'], true, 'a', 'b'],
    [{ limit: '2', afterId: 'b' }, ['b1', 'c'], false, 'b1', 'c'],
    [{ limit: '2', beforeId: 'c' }, ['b', 'b1'], true, 'b', 'b1'],
    [{ limit: '0' }, ['a'], true, 'a', 'a'],
    [{ limit: 'x', afterId: 'c' }, [], false, null, null],
  ])('pages %j', (page, expected, hasMore, first, last) => {
    const list = anthropicModelList(models, page);
    expect(ids(list)).toEqual(expected);
    expect(list).toMatchObject({ has_more: hasMore, first_id: first, last_id: last });
  });
});
