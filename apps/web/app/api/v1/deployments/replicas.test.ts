import { createLogger } from '@gguf/core';
import { loadReplicas } from '@gguf/api';
import { closeRedis, createRedis, INFLIGHT_TTL_MS, writeActivity } from '@gguf/redis';
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
/**
 * What one gateway instance reports: its requests in flight to the deployment, and on each server (0 clears one);
 * `at` dates the report (entries count for INFLIGHT_TTL_MS after it).
 */
const report = (instance: string, deploymentId: string, inflight: number, servers: Record<string, number> = {}, at = Date.now()) =>
  writeActivity(
    h.redis,
    instance,
    [{ deploymentId, inflight }],
    Object.entries(servers).map(([serverId, count]) => ({ deploymentId, serverId, inflight: count })),
    at,
  );

describe("a deployment's servers in its JSON", () => {
  it('lists each server, oldest first, with its node name, status, restarts and ready time; tenants never see node ids or addresses', async () => {
    const id = await create('two-servers');
    const readyAt = new Date('2026-11-30T10:00:00.000Z');
    const first = await h.placeServer(id, { nodeName: 'gpu-east-1', server: { status: 'ready', readyAt, restartCount: 2, upstreamUrl: 'http://10.9.8.7:20000', createdAt: new Date('2026-11-30T09:00:00Z') } });
    const second = await h.placeServer(id, { nodeName: 'gpu-west-1', server: { status: 'starting', createdAt: new Date('2026-11-30T09:30:00Z') } });
    const res = await h.call(one.GET, '', { params: { id }, headers: tenant.auth });
    expect(res.json.replicas.servers).toEqual([
      { id: first.id, node: { name: 'gpu-east-1' }, status: 'ready', inflight: 0, restarts: 2, ready_at: readyAt.toISOString() },
      { id: second.id, node: { name: 'gpu-west-1' }, status: 'starting', inflight: 0, restarts: 0, ready_at: null },
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

  it('counts in-flight requests per deployment and per server, each summed over the gateway instances', async () => {
    const id = await create('busy');
    const at = (minute: number) => ({ server: { status: 'ready' as const, readyAt: new Date(), createdAt: new Date(`2026-11-30T09:0${minute}:00Z`) } });
    const [first, second] = [await h.placeServer(id, at(1)), await h.placeServer(id, at(2))];
    // Being retired, it still finishes the requests it holds.
    const leaving = await h.placeServer(id, { server: { status: 'stopping', createdAt: new Date('2026-11-30T09:03:00Z') } });
    // A held request counts for the deployment but is on no server yet.
    await report('gw-a', id, 5, { [first.id]: 3, [second.id]: 1 });
    await report('gw-b', id, 3, { [first.id]: 1, [leaving.id]: 2 });
    const busy = await get(id);
    expect(busy.replicas.inflight).toBe(8);
    expect(busy.replicas.servers).toMatchObject([
      { id: first.id, inflight: 4 },
      { id: second.id, inflight: 1 },
      { id: leaving.id, inflight: 2 },
    ]);

    // A server whose requests on one instance ended counts the other's only; one with none shows 0.
    await report('gw-b', id, 1, { [first.id]: 1, [leaving.id]: 0 });
    await report('gw-a', id, 1, { [first.id]: 0, [second.id]: 1 });
    const calmer = await get(id);
    expect(calmer.replicas.inflight).toBe(2);
    expect(calmer.replicas.servers.map((s: { inflight: number }) => s.inflight)).toEqual([1, 1, 0]);
    await report('gw-a', id, 0, { [second.id]: 0 });
    await report('gw-b', id, 0, { [first.id]: 0 });
    const idle = await get(id);
    expect(idle.replicas.inflight).toBe(0);
    expect(idle.replicas.servers.map((s: { inflight: number }) => s.inflight)).toEqual([0, 0, 0]);
  });

  it("stops counting a dead gateway instance's requests on a server once its entries outlive their TTL, while a live one keeps reporting", async () => {
    const id = await create('dead-gateway');
    const server = await h.placeServer(id, { server: { status: 'ready', readyAt: new Date() } });
    // Its last report, older than the TTL: it died without clearing its entries.
    await report('gw-dead', id, 0, { [server.id]: 6 }, Date.now() - INFLIGHT_TTL_MS - 1_000);
    await report('gw-live', id, 2, { [server.id]: 2 });
    expect((await get(id)).replicas.servers).toMatchObject([{ id: server.id, inflight: 2 }]);
    await report('gw-live', id, 0, { [server.id]: 0 });
    expect((await get(id)).replicas.servers).toMatchObject([{ id: server.id, inflight: 0 }]);
  });

  it("never shows a server another deployment's figures", async () => {
    const [mine, theirs] = [await create('mine'), await create('theirs-counts')];
    const server = await h.placeServer(mine, { server: { status: 'ready', readyAt: new Date() } });
    const other = await h.placeServer(theirs, { server: { status: 'ready', readyAt: new Date() } });
    await report('gw-a', theirs, 4, { [other.id]: 4 });
    const res = await h.call(collection.GET, '', { headers: tenant.auth, query: { limit: '100' } });
    const byId = (id: string) => res.json.data.find((d: { id: string }) => d.id === id).replicas;
    expect(byId(mine)).toMatchObject({ inflight: 0, servers: [{ id: server.id, inflight: 0 }] });
    expect(byId(theirs)).toMatchObject({ inflight: 4, servers: [{ id: other.id, inflight: 4 }] });
    await report('gw-a', theirs, 0, { [other.id]: 0 });
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
  it('still reads while Redis is down, with unknown in-flight counts (the deployment\'s and its servers\') instead of waiting for the reconnect', async () => {
    const id = await create('redis-down');
    const server = await h.placeServer(id, { server: { status: 'ready', readyAt: new Date() } });
    const down = createRedis(testEnv('redisUrl'), 'test-redis-down');
    await closeRedis(down);
    const replicas = await loadReplicas({ redis: down, logger: createLogger('test', 'silent') }, h.db, [id]);
    expect(replicas.get(id)).toMatchObject({ inflight: null, serverInflight: null, servers: [{ id: server.id }] });
    const res = await h.call(one.GET, '', { params: { id }, headers: tenant.auth });
    expect(res.json.replicas).toMatchObject({ inflight: 0, servers: [{ id: server.id, inflight: 0 }] });
  });
});
