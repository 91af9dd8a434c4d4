import { node as nodeSchema } from '@gguf/api';
import { newId } from '@gguf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type ApiHarness, createApiHarness } from '../../../../../lib/testing/api-harness';
import * as one from './[id]/route';
import * as collection from './route';

/**
 * What an operator learns about a node beyond its GPUs: whether its runtime isolates tenants, its
 * CPU cores and the models of its library, as its worker reported them (rows set the way it writes).
 */
let h: ApiHarness;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

beforeAll(async () => {
  h = await createApiHarness();
});
afterAll(() => h.close());

const register = (body: Record<string, unknown>) =>
  h.call(collection.POST, '', { method: 'POST', headers: admin, body: { docker_endpoint: `ssh://deploy@${body.name}`, address: String(body.name), ...body } });
const get = async (id: string) => (await h.call(one.GET, '', { headers: admin, params: { id } })).json;

describe('a node’s isolation', () => {
  it('is sealed for a Docker node registered without a network mode: none is the default', async () => {
    const res = await register({ name: 'sealed-1' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ runtime_kind: 'docker', network_mode: 'none', isolation: 'sealed', cpu_cores: null, library: null });
    expect(nodeSchema.parse(res.json)).toEqual(res.json);
    expect(await h.db.node.findUniqueOrThrow({ where: { id: res.json.id } })).toMatchObject({ networkMode: 'none' });
  });

  it.each(['host', 'bridge'])('is network for a Docker node on the %s network: its servers can reach networks', async (mode) => {
    const res = await register({ name: `net-${mode}`, network_mode: mode });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ network_mode: mode, isolation: 'network' });
  });

  it('is none for a node on the process runtime, whatever its network mode says', async () => {
    const id = newId('node');
    await h.db.node.create({ data: { id, name: 'laptop', runtimeKind: 'process', address: '127.0.0.1', networkMode: 'none' } });
    expect(await get(id)).toMatchObject({ runtime_kind: 'process', isolation: 'none' });
  });

  it.each([['open'], [''], [null]])('refuses the network mode %j, naming the field', async (mode) => {
    const res = await register({ name: 'refused', network_mode: mode });
    expect(res.status).toBe(400);
    expect(res.json.error.param).toBe('network_mode');
    expect(res.json.error.message).toContain('"none", "host" or "bridge"');
  });
});

describe('a node’s CPU cores and library', () => {
  it('show what the worker reported, in the node and in the list', async () => {
    const { id } = (await register({ name: 'with-library' })).json;
    const library = [
      { path: 'qwen/Qwen3-0.6B-Q4_K_M.gguf', bytes: 484_220_320, modified_at: '2026-03-01T12:00:00.000Z' },
      { path: 'llama-70b-Q4_K_M.gguf', bytes: 42_520_395_584, modified_at: '2026-03-02T08:30:00.000Z' },
    ];
    await h.db.node.update({ where: { id }, data: { cpuCores: 32, library } });
    const got = await get(id);
    expect(got).toMatchObject({ cpu_cores: 32, library });
    expect(nodeSchema.parse(got)).toEqual(got);
    const listed = (await h.call(collection.GET, '', { headers: admin, query: { limit: '100' } })).json.data.find((n: { id: string }) => n.id === id);
    expect(listed).toMatchObject({ cpu_cores: 32, library });
  });

  it('is an empty list for an empty library, and leaves out entries of another shape', async () => {
    const { id } = (await register({ name: 'odd-library' })).json;
    await h.db.node.update({ where: { id }, data: { library: [] } });
    expect((await get(id)).library).toEqual([]);
    const good = { path: 'a.gguf', bytes: 8, modified_at: '2026-03-01T12:00:00.000Z' };
    await h.db.node.update({ where: { id }, data: { library: [good, { path: 'b.gguf' }, 42] } });
    expect((await get(id)).library).toEqual([good]);
  });

  it('is visible to platform operators only', async () => {
    const tenant = await h.createTenant({ name: 'Curious' });
    const res = await h.call(collection.GET, '', { headers: tenant.auth });
    expect(res.status).toBe(403);
  });
});
