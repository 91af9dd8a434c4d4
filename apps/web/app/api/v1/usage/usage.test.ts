import { newId } from '@gguf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from '../../../../lib/testing/api-harness';
import * as deployments from '../deployments/route';
import * as usage from './route';

let h: ApiHarness;
let tenant: Awaited<ReturnType<ApiHarness['createTenant']>>;
let dep1: string;
let dep2: string;
let key2: string;

const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  h = await createApiHarness();
  tenant = await h.createTenant({ name: 'Usage' });
  const create = async (name: string) =>
    (await h.call(deployments.POST, '', { method: 'POST', headers: tenant.auth, body: { name, model: { source: 'local', path: 'm.gguf' }, gpu: { count: 0 } } })).json.id;
  dep1 = await create('one');
  dep2 = await create('two');
  key2 = (await h.db.apiKey.create({ data: { id: newId('apiKey'), orgId: tenant.orgId, name: 'k2', prefix: 'gguf_x', hash: 'f'.repeat(64) } })).id;
  const row = (apiKeyId: string, deploymentId: string, hour: string, requests: number, modelName: string) => ({
    apiKeyId,
    deploymentId,
    modelName,
    orgId: tenant.orgId,
    hour: at(hour),
    requests: BigInt(requests),
    inputTokens: BigInt(requests * 10),
    outputTokens: BigInt(requests * 100),
  });
  await h.db.usageHourly.createMany({
    data: [
      row(tenant.apiKeyId, dep1, '2026-03-01T10:00:00Z', 1, 'one'),
      row(tenant.apiKeyId, dep1, '2026-03-01T11:00:00Z', 2, 'one'),
      row(key2, dep2, '2026-03-01T11:00:00Z', 4, 'claude-3-5-haiku'),
      row(tenant.apiKeyId, dep2, '2026-03-02T00:00:00Z', 8, 'two'),
    ],
  });
});
afterAll(() => h.close());

const get = (query: Record<string, string>) => h.call(usage.GET, '/api/v1/usage', { headers: tenant.auth, query });
const range = { from: '2026-03-01T00:00:00Z', to: '2026-03-03T00:00:00Z' };

describe('GET /api/v1/usage', () => {
  it('sums requests and tokens per day', async () => {
    const res = await get({ ...range, granularity: 'day' });
    expect(res.json).toEqual({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-03T00:00:00.000Z',
      granularity: 'day',
      data: [
        { start: '2026-03-01T00:00:00.000Z', requests: 7, input_tokens: 70, output_tokens: 700 },
        { start: '2026-03-02T00:00:00.000Z', requests: 8, input_tokens: 80, output_tokens: 800 },
      ],
      totals: { requests: 15, input_tokens: 150, output_tokens: 1500 },
    });
  });

  it('breaks down by hour and filters by deployment and key', async () => {
    const hourly = await get({ ...range, granularity: 'hour' });
    expect(hourly.json.data.map((d: { start: string; requests: number }) => [d.start, d.requests])).toEqual([
      ['2026-03-01T10:00:00.000Z', 1],
      ['2026-03-01T11:00:00.000Z', 6],
      ['2026-03-02T00:00:00.000Z', 8],
    ]);
    expect((await get({ ...range, deployment_id: dep2 })).json.totals.requests).toBe(12);
    expect((await get({ ...range, api_key_id: key2 })).json.totals.requests).toBe(4);
    expect((await get({ ...range, deployment_id: dep1, api_key_id: key2 })).json.totals.requests).toBe(0);
  });

  it('filters by model name and groups by model name, deployment or key, most requests first', async () => {
    expect((await get({ ...range, model_name: 'one' })).json.totals).toEqual({ requests: 3, input_tokens: 30, output_tokens: 300 });
    expect((await get({ ...range, model_name: 'nobody' })).json.data).toEqual([]);
    expect((await get(range)).json.groups).toBeUndefined();
    const byModel = await get({ ...range, group_by: 'model_name' });
    expect(byModel.json.groups).toEqual([
      { key: 'two', requests: 8, input_tokens: 80, output_tokens: 800 },
      { key: 'claude-3-5-haiku', requests: 4, input_tokens: 40, output_tokens: 400 },
      { key: 'one', requests: 3, input_tokens: 30, output_tokens: 300 },
    ]);
    expect(byModel.json.totals.requests).toBe(15);
    const byDeployment = await get({ ...range, group_by: 'deployment_id' });
    expect(byDeployment.json.groups.map((g: { key: string; requests: number }) => [g.key, g.requests])).toEqual([
      [dep2, 12],
      [dep1, 3],
    ]);
    const byKey = await get({ ...range, group_by: 'api_key_id', deployment_id: dep2 });
    expect(byKey.json.groups.map((g: { key: string; requests: number }) => [g.key, g.requests])).toEqual([
      [tenant.apiKeyId, 8],
      [key2, 4],
    ]);
    const filtered = await get({ ...range, group_by: 'model_name', api_key_id: key2, granularity: 'hour' });
    expect(filtered.json.groups).toEqual([{ key: 'claude-3-5-haiku', requests: 4, input_tokens: 40, output_tokens: 400 }]);
  });

  it.each([
    [{ group_by: 'week' }, 'group_by'],
    [{ model_name: 'x'.repeat(101) }, 'model_name'],
    [{ granularity: 'week' }, 'granularity'],
    [{ from: 'yesterday' }, 'from'],
    [{ from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 'from'],
    [{ from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z', granularity: 'hour' }, 'from'],
  ])('refuses %j', async (query, param) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(res.json.error.param).toBe(param);
  });
});
