import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeRedis, createNodeQueue, createRedis, nodeSyncJobId, type Redis, requestWake, wakeWanted, writeActivity } from '@gguf/redis';
import { ProcessRuntime } from '@gguf/runtime';
import { createTestDatabase, type TestDatabase } from '@gguf/testkit';
import { fakeLlamaServerExecutable } from '@gguf/testkit/docker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerHandle } from '../src/worker';
import { Api, createDeployment, createOrg, describeDeployment, nodeSettings, putLibraryModel, startTestWorker, testModelStore, testRedisUrl, testServerUser, traversable, serverOf, waitFor, waitForStatus, withServers } from './helpers';

/**
 * Scale to zero on the worker's side, on the process runtime with the fake llama-server: an idle
 * deployment with `replicas.min` 0 falls asleep and gives its GPU back; a wake asked through Redis
 * (what a gateway holding a request does) brings it back, waiting for a GPU if none is free.
 */
let t: TestDatabase;
let redisUrl: string;
let redis: Redis;
let root: string;
let api: Api;
let orgId: string;
let worker: WorkerHandle;
const GPU = 'Sleepy GPU';

beforeAll(async () => {
  t = await createTestDatabase();
  redisUrl = await testRedisUrl(13);
  redis = createRedis(redisUrl, 'test-sleep');
  root = await traversable(await mkdtemp(join(tmpdir(), 'gguf-sleep-')));
  const binary = await fakeLlamaServerExecutable(join(root, 'bin'));
  const modelsDir = join(root, 'models');
  await putLibraryModel(modelsDir);
  api = new Api(t.db, redisUrl);
  orgId = await createOrg(t.db);
  const node = nodeSettings({ name: 'sleepy-node', cpuSlots: 2, gpus: [{ index: 0, type: GPU, memoryMb: 1000 }] });
  const stateDir = join(root, 'state');
  worker = await startTestWorker({
    db: t.db,
    redisUrl,
    node,
    models: await testModelStore(modelsDir, stateDir),
    runtime: (nodeId) => new ProcessRuntime({ nodeId, binary, stateDir, bindHost: '127.0.0.1', env: { FAKE_LLAMA_LOAD_MS: '100' }, serverUser: testServerUser }),
  });
});

afterAll(async () => {
  await worker?.stop();
  for (const s of (await worker?.runtime.list().catch(() => [])) ?? []) await worker.runtime.remove(s.handle).catch(() => undefined);
  await api?.close();
  if (redis) await closeRedis(redis);
  await t?.drop();
  await rm(root, { recursive: true, force: true });
});

const serversOf = async (id: string) => (await worker.runtime.list()).filter((s) => s.deploymentId === id);
const gpusOf = (id: string) => t.db.gpuAllocation.count({ where: { server: { deploymentId: id } } });
const asleepAndReleased = (id: string) =>
  waitFor(
    `${id} to sleep on no node`,
    async () => {
      const row = await withServers(t.db, id);
      return row?.status === 'sleeping' && row.servers.length === 0 && (await serversOf(id)).length === 0 && (await gpusOf(id)) === 0 ? row : undefined;
    },
    20_000,
    () => describeDeployment(t.db, id),
  );

describe('scale to zero: the worker', () => {
  it('puts an idle deployment to sleep, gives its GPU to another, and wakes it when a request asks, once the GPU frees', { timeout: 120_000 }, async () => {
    const sleepy = await createDeployment(t.db, orgId, { replicasMin: 0, scaleDownAfterS: 1, gpuCount: 1, gpuType: GPU });
    await api.sync(sleepy.id);
    await waitForStatus(t.db, sleepy.id, 'running');

    // No request since it became ready, for longer than scale_down_after_s: asleep, its server and GPU gone.
    const asleep = await asleepAndReleased(sleepy.id);
    expect(asleep.replicasWanted).toBe(0);
    expect(asleep.statusMessage).toMatch(/^asleep after \d+ s without requests; wakes on the next request$/);
    const fellAsleep = await t.db.deploymentEvent.findFirstOrThrow({ where: { deploymentId: sleepy.id, toStatus: 'sleeping' } });
    expect(fellAsleep.data).toMatchObject({ reason: 'idle', scaleDownAfterS: 1, inflight: 0 });

    // The GPU is free for others: a deployment that never sleeps takes it.
    const steady = await createDeployment(t.db, orgId, { gpuCount: 1, gpuType: GPU });
    await api.sync(steady.id);
    await waitForStatus(t.db, steady.id, 'running');

    // A request waits for the sleeping one: it wakes, and says it waits for the GPU.
    await requestWake(redis, sleepy.id, Date.now() + 60_000);
    const waiting = await waitFor('the woken deployment to wait for a GPU', async () => {
      const row = await withServers(t.db, sleepy.id);
      return row?.status === 'pending' && row.statusMessage.startsWith('waiting for 1 free GPU') ? row : undefined;
    });
    expect(waiting.servers).toEqual([]);
    expect(await wakeWanted(redis, sleepy.id)).toBe(false);

    // The GPU frees: the woken deployment is placed at once and runs (kept awake from here on).
    await t.db.deployment.update({ where: { id: sleepy.id }, data: { scaleDownAfterS: 3_600 } });
    await api.setDesired(steady.id, 'stopped');
    const awake = await waitForStatus(t.db, sleepy.id, 'running', 30_000);
    expect(serverOf(awake).nodeId).toBe(worker.nodeId);
    expect(await gpusOf(sleepy.id)).toBe(1);
    const path = (await t.db.deploymentEvent.findMany({ where: { deploymentId: sleepy.id, type: 'status' }, orderBy: { createdAt: 'asc' } })).map((e) => e.toStatus);
    const sinceAsleep = path.slice(path.indexOf('sleeping'));
    expect(sinceAsleep.slice(0, 2)).toEqual(['sleeping', 'pending']);
    expect(sinceAsleep.at(-1)).toBe('running');
  });

  it('gets back to running at once when a request came before its server had stopped', { timeout: 60_000 }, async () => {
    const row = await createDeployment(t.db, orgId, { replicasMin: 0, scaleDownAfterS: 3_600 });
    await api.sync(row.id);
    const running = await waitForStatus(t.db, row.id, 'running');
    const [server] = await serversOf(row.id);

    // Put to sleep, and a request held for it, before its node's worker has looked.
    await requestWake(redis, row.id, Date.now() + 60_000);
    await t.db.deployment.update({ where: { id: row.id }, data: { status: 'sleeping', replicasWanted: 0 } });
    await worker.reconcileNow();
    const back = await waitForStatus(t.db, row.id, 'running');
    expect(serverOf(back).id).toBe(serverOf(running).id);
    expect((await serversOf(row.id)).map((s) => s.handle)).toEqual([server!.handle]);
    const event = await t.db.deploymentEvent.findFirstOrThrow({ where: { deploymentId: row.id, fromStatus: 'sleeping' } });
    expect(event).toMatchObject({ toStatus: 'running', message: 'waking: a request is waiting for it' });
    expect(await wakeWanted(redis, row.id)).toBe(false);
  });

  it('lets requests admitted before it fell asleep finish before its server stops', { timeout: 60_000 }, async () => {
    const row = await createDeployment(t.db, orgId, { replicasMin: 0, scaleDownAfterS: 3_600 });
    await api.sync(row.id);
    await waitForStatus(t.db, row.id, 'running');

    // A gateway still has a request in flight when it falls asleep: the node job waits for it (delayed, still placed).
    await writeActivity(redis, 'gateway-test', [{ deploymentId: row.id, inflight: 1, lastRequestAt: Date.now() }]);
    await t.db.deployment.update({ where: { id: row.id }, data: { status: 'sleeping', replicasWanted: 0 } });
    await worker.reconcileNow();
    const queue = createNodeQueue(redis, worker.nodeId);
    try {
      const serverId = serverOf((await withServers(t.db, row.id))!).id;
      await waitFor('the node job to wait for the request', async () => (await (await queue.getJob(nodeSyncJobId(serverId)))?.getState()) === 'delayed');
      const placed = (await withServers(t.db, row.id))!;
      expect(serverOf(placed).nodeId).toBe(worker.nodeId);
      expect(await serversOf(row.id)).toHaveLength(1);
    } finally {
      await queue.close();
    }

    // The request is done: the server goes and the node is given back.
    await writeActivity(redis, 'gateway-test', [{ deploymentId: row.id, inflight: 0 }]);
    await asleepAndReleased(row.id);
  });
});
