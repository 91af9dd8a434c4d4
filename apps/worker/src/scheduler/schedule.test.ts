import { randomBytes } from 'node:crypto';
import { createLogger, newId } from '@gguf/core';
import { createDatabase, type Database } from '@gguf/db';
import { closeRedis, createRedis, type Redis } from '@gguf/redis';
import { createTestDatabase, type TestDatabase, testEnv } from '@gguf/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StateStore } from '../deployments/apply-transition';
import { choosePlacement, placeServer } from './schedule';

let t: TestDatabase;
let redis: Redis;
let store: StateStore;
let orgId: string;
const others: Database[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  redis = createRedis(testEnv('redisUrl'), 'test-scheduler');
  store = { db: t.db, redis, logger: createLogger('test', 'silent') };
  orgId = newId('organization');
  await t.db.organization.create({ data: { id: orgId, name: 'S', slug: `s-${orgId.slice(-8)}` } });
});
afterAll(async () => {
  await Promise.all(others.map((db) => db.$disconnect()));
  await closeRedis(redis);
  await t.drop();
});
beforeEach(async () => {
  await t.db.deployment.deleteMany();
  await t.db.node.deleteMany();
});

async function node(name: string, gpus: string[], extra: { cpuSlots?: number; cordoned?: boolean; stale?: boolean; status?: 'ready' | 'unreachable' } = {}) {
  const id = newId('node');
  await t.db.node.create({
    data: {
      id,
      name,
      runtimeKind: 'docker',
      address: '10.0.0.1',
      cpuSlots: extra.cpuSlots ?? 2,
      cordoned: extra.cordoned ?? false,
      status: extra.status ?? 'ready',
      portRangeStart: 20000,
      portRangeEnd: 20009,
      heartbeatAt: new Date(Date.now() - (extra.stale ? 120_000 : 0)),
      gpus: { create: gpus.map((type, index) => ({ index, type, memoryMb: 24000 })) },
    },
  });
  return id;
}

async function deployment(gpuCount: number, gpuType: string | null = null, replicas = 1) {
  const id = newId('deployment');
  await t.db.deployment.create({
    data: {
      id,
      orgId,
      name: 'd',
      modelName: `d-${id.slice(-8)}`,
      modelSource: 'huggingface',
      modelRepo: 'a/b',
      modelFile: 'c.gguf',
      gpuCount,
      gpuType,
      replicasMax: replicas,
      replicasWanted: replicas,
      upstreamSecret: randomBytes(8).toString('hex'),
    },
  });
  return id;
}

const schedule = (id: string, s: StateStore = store) => placeServer(s, id, { staleAfterMs: 30_000 });

describe('choosePlacement', () => {
  const n = (name: string, free: boolean[], cpuSlots = 2, cpuCores: number | null = 16) => ({
    id: name,
    name,
    cpuSlots,
    cpuCores,
    portRangeStart: 1,
    portRangeEnd: 2,
    gpus: free.map((f, index) => ({ index, type: 'NVIDIA L4', free: f })),
  });

  it('bin-packs: the node left with the fewest free GPUs wins', () => {
    const choice = choosePlacement([n('big', [true, true, true, true]), n('half', [false, false, true, true])], { gpuCount: 2, gpuType: null }, new Map());
    expect(choice).toEqual({ node: expect.objectContaining({ name: 'half' }), gpuIndices: [2, 3] });
  });

  it.each([
    [undefined, 'small'],
    [8, 'small'],
    [12, 'big'],
    [32, 'unknown'],
  ])('places a deployment asking for %s threads only where that many cores exist', (threads, expected) => {
    const nodes = [n('small', [], 2, 8), n('big', [], 2, 16), n('unknown', [], 4, null)];
    const used = new Map([['small', 1]]);
    expect(choosePlacement(nodes, { gpuCount: 0, gpuType: null, threads }, used)).toEqual({ node: expect.objectContaining({ name: expected }), gpuIndices: [] });
  });

  it('says which core count it waits for when no node has enough', () => {
    expect(choosePlacement([n('a', [], 2, 8), n('b', [true], 2, 4)], { gpuCount: 0, gpuType: null, threads: 64 }, new Map())).toEqual({
      reason: 'waiting for a node with 64 CPU cores (threads 64): the most any ready node has is 8',
    });
  });

  it('keeps CPU-only deployments off GPU nodes when it can, then fills the fullest node', () => {
    const cpu = choosePlacement([n('gpu', [true]), n('cpu-a', []), n('cpu-b', [])], { gpuCount: 0, gpuType: null }, new Map([['cpu-b', 1]]));
    expect(cpu).toEqual({ node: expect.objectContaining({ name: 'cpu-b' }), gpuIndices: [] });
  });
});

describe('placeServer', () => {
  it('places a server on a ready node, booking GPUs and a port with its row in one transaction', async () => {
    const nodeId = await node('gpu-1', ['NVIDIA L4', 'NVIDIA L4']);
    const id = await deployment(2, 'L4');
    const result = await schedule(id);
    expect(result).toEqual({ kind: 'placed', placement: { serverId: expect.stringMatching(/^srv_/), nodeId, nodeName: 'gpu-1', gpuIndices: [0, 1], port: 20000 } });
    const serverId = result.kind === 'placed' ? result.placement.serverId : '';
    expect(await t.db.server.findUniqueOrThrow({ where: { id: serverId } })).toMatchObject({ deploymentId: id, nodeId, port: 20000, generation: 1, status: 'placed' });
    const row = await t.db.deployment.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: 'scheduling', statusMessage: 'placed on node gpu-1 (GPUs 0, 1, port 20000)' });
    expect(await t.db.gpuAllocation.count({ where: { serverId } })).toBe(2);
    expect(await t.db.deploymentEvent.findFirst({ where: { deploymentId: id, type: 'status' } })).toMatchObject({ fromStatus: 'pending', toStatus: 'scheduling' });
    // It wants one server and has it.
    expect(await schedule(id)).toEqual({ kind: 'skipped' });
  });

  it("spreads a deployment's servers across nodes, and doubles up only when no other node fits", async () => {
    const a = await node('a', []);
    const b = await node('b', []);
    const id = await deployment(0, null, 3);
    const placed = [await schedule(id), await schedule(id), await schedule(id)].map((r) => (r.kind === 'placed' ? r.placement.nodeId : r.kind));
    expect(new Set(placed.slice(0, 2))).toEqual(new Set([a, b]));
    expect([a, b]).toContain(placed[2]);
    expect(await t.db.server.count({ where: { deploymentId: id } })).toBe(3);
    expect((await t.db.deployment.findUniqueOrThrow({ where: { id } })).status).toBe('scheduling');
  });

  it('ignores cordoned, unreachable and silent nodes, and says what it waits for', async () => {
    await node('cordoned', ['NVIDIA L4'], { cordoned: true });
    await node('silent', ['NVIDIA L4'], { stale: true });
    await node('gone', ['NVIDIA L4'], { status: 'unreachable' });
    const id = await deployment(1);
    expect(await schedule(id)).toEqual({ kind: 'waiting', reason: 'waiting for a node: no node is ready (none registered, all unreachable, cordoned or draining)' });
    await node('t4', ['Tesla T4']);
    expect(await schedule(await deployment(1, 'L4'))).toEqual({ kind: 'waiting', reason: 'waiting for 1 free GPU of type L4: no ready node has 1 GPU of type L4 at all' });
    expect(await schedule(await deployment(2))).toEqual({ kind: 'waiting', reason: 'waiting for 2 free GPUs: no ready node has 2 GPUs at all' });
    expect((await t.db.deployment.findUniqueOrThrow({ where: { id } })).status).toBe('pending');
  });

  it('never books the last GPU twice when many workers race for it', async () => {
    const nodeId = await node('last-gpu', ['NVIDIA L4']);
    const ids = await Promise.all(Array.from({ length: 8 }, () => deployment(1)));
    // Separate connection pools, as separate worker processes would have.
    const stores = Array.from({ length: 4 }, () => {
      const db = createDatabase(t.url, { poolSize: 3 });
      others.push(db);
      return { ...store, db };
    });
    const results = await Promise.all(ids.map((id, i) => schedule(id, stores[i % stores.length])));
    expect(results.filter((r) => r.kind === 'placed')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'waiting')).toHaveLength(7);
    expect(await t.db.gpuAllocation.count({ where: { nodeId } })).toBe(1);
    expect(await t.db.server.count({ where: { nodeId } })).toBe(1);
  });

  it('never admits more CPU-only deployments than a node has slots, nor two on one port', async () => {
    const nodeId = await node('cpu', [], { cpuSlots: 3 });
    const ids = await Promise.all(Array.from({ length: 8 }, () => deployment(0)));
    const stores = Array.from({ length: 4 }, () => {
      const db = createDatabase(t.url, { poolSize: 3 });
      others.push(db);
      return { ...store, db };
    });
    const results = await Promise.all(ids.map((id, i) => schedule(id, stores[i % stores.length])));
    expect(results.filter((r) => r.kind === 'placed')).toHaveLength(3);
    const placed = await t.db.server.findMany({ where: { nodeId }, select: { port: true } });
    expect(new Set(placed.map((p) => p.port)).size).toBe(3);
    expect(results.find((r) => r.kind === 'waiting')).toEqual({
      kind: 'waiting',
      reason: 'waiting for a CPU slot: every ready node already runs its maximum of CPU-only deployments',
    });
  });
});
