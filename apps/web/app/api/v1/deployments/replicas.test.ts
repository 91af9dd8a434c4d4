import { createLogger } from '@gguf/core';
import { loadReplicas } from '@gguf/api';
import { closeRedis, createRedis, writeActivity } from '@gguf/redis';
import { testEnv } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type ApiHarness, createApiHarness } from '../../../../lib/testing/api-harness';
import * as adminDeployments from '../admin/deployments/route';
import * as stop from './[id]/stop/route';
import * as one from './[id]/route';
import * as collection from './route';

let h: ApiHarness;
let tenant: Awaited<ReturnType<ApiHarness['createTenant']>>;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const body = { name: 'replicated', model: { source: 'local', path: 'tiny/m.gguf' }, gpu: { count: 0 } };

beforeAll(async () => {
  h = await createApiHarness();
  tenant = await h.createTenant({ name: 'Replicas', max_deployments: 100 });
});
afterAll(() => h.close());

const create = async (name: string, auth = tenant.auth) => (await h.call(collection.POST, '', { method: 'POST', headers: auth, body: { ...body, name } })).json.id as string;
const get = async (id: string, auth = tenant.auth) => (await h.call(one.GET, '', { params: { id }, headers: auth })).json;
/** What gateways report: requests in flight per deployment, per gateway instance. */
const report = (instance: string, deploymentId: string, inflight: number) => writeActivity(h.redis, instance, [{ deploymentId, inflight }]);

describe("a deployment's servers in its JSON", () => {
  it('lists each server, oldest first, with its node name, status, restarts and ready time; tenants never see node ids or addresses', async () => {
    const id = await create('two-servers');
    const readyAt = new Date('2026-11-30T10:00:00.000Z');
    const first = await h.placeServer(id, { nodeName: 'gpu-east-1', server: { status: 'ready', readyAt, restartCount: 2, upstreamUrl: 'http://10.9.8.7:20000', createdAt: new Date('2026-11-30T09:00:00Z') } });
    const second = await h.placeServer(id, { nodeName: 'gpu-west-1', server: { status: 'starting', createdAt: new Date('2026-11-30T09:30:00Z') } });
    const res = await h.call(one.GET, '', { params: { id }, headers: tenant.auth });
    expect(res.json.replicas.servers).toEqual([
      { id: first.id, node: { name: 'gpu-east-1' }, status: 'ready', inflight: 0, restarts: 2, ready_at: readyAt.toISOString() },
      { id: second.id, node: { name: 'gpu-west-1' }, status: 'starting', inflight: null, restarts: 0, ready_at: null },
    ]);
    expect(res.text).not.toContain(first.nodeId);
    expect(res.text).not.toContain('10.9.8.7');
    expect(res.text).not.toContain('127.0.0.1');

    // Operators get the node ids, to find the nodes in the admin API.
    const all = await h.call(adminDeployments.GET, '', { headers: admin, query: { org_id: tenant.orgId } });
    const mine = all.json.data.find((d: { id: string }) => d.id === id);
    expect(mine.replicas.servers.map((s: { node: unknown }) => s.node)).toEqual([
      { id: first.nodeId, name: 'gpu-east-1' },
      { id: second.nodeId, name: 'gpu-west-1' },
    ]);
    expect(mine).not.toHaveProperty('node_id');
  });

  it("counts in-flight requests over every gateway; a server's own count only while it is the one ready server", async () => {
    const id = await create('busy');
    const ready = await h.placeServer(id, { server: { status: 'ready', readyAt: new Date() } });
    await report('gw-a', id, 3);
    await report('gw-b', id, 2);
    const single = await get(id);
    expect(single.replicas.inflight).toBe(5);
    expect(single.replicas.servers).toMatchObject([{ id: ready.id, inflight: 5 }]);

    // Two ready servers: the gateways do not report which one holds which request.
    const other = await h.placeServer(id, { server: { status: 'ready', readyAt: new Date() } });
    const pair = await get(id);
    expect(pair.replicas.inflight).toBe(5);
    expect(pair.replicas.servers).toMatchObject([
      { id: ready.id, inflight: null },
      { id: other.id, inflight: null },
    ]);
    await report('gw-a', id, 0);
    await report('gw-b', id, 0);
    expect((await get(id)).replicas.inflight).toBe(0);
  });

  it('comes with every deployment of a list page, each with its own servers only', async () => {
    const stranger = await h.createTenant({ name: 'Stranger replicas' });
    const theirs = await create('theirs', stranger.auth);
    await h.placeServer(theirs, { nodeName: 'their-node' });
    const a = await create('list-a');
    const b = await create('list-b');
    const sa = await h.placeServer(a, { nodeName: 'node-a' });
    const sb1 = await h.placeServer(b, { nodeName: 'node-b1' });
    const sb2 = await h.placeServer(b, { nodeName: 'node-b2' });
    const res = await h.call(collection.GET, '', { headers: tenant.auth, query: { limit: '100' } });
    const servers = (id: string) => res.json.data.find((d: { id: string }) => d.id === id).replicas.servers.map((s: { id: string }) => s.id);
    expect(servers(a)).toEqual([sa.id]);
    expect(servers(b)).toEqual([sb1.id, sb2.id]);
    expect(res.text).not.toContain(theirs);
    expect(res.text).not.toContain('their-node');
  });

  it('answers actions with the servers as they are (a stop leaves them to the worker)', async () => {
    const id = await create('stopping');
    const server = await h.placeServer(id, { server: { status: 'ready', readyAt: new Date() } });
    const res = await h.call(stop.POST, '', { method: 'POST', params: { id }, headers: tenant.auth });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ desired_state: 'stopped', replicas: { servers: [{ id: server.id, status: 'ready' }] } });
  });
});

describe('loadReplicas', () => {
  it('still reads while Redis is down, with unknown in-flight counts instead of waiting for the reconnect', async () => {
    const id = await create('redis-down');
    const server = await h.placeServer(id, { server: { status: 'ready', readyAt: new Date() } });
    const down = createRedis(testEnv('redisUrl'), 'test-redis-down');
    await closeRedis(down);
    const replicas = await loadReplicas({ redis: down, logger: createLogger('test', 'silent') }, h.db, [id]);
    expect(replicas.get(id)).toMatchObject({ inflight: null, servers: [{ id: server.id }] });
    const res = await h.call(one.GET, '', { params: { id }, headers: tenant.auth });
    expect(res.json.replicas.inflight).toBe(0);
  });
});
