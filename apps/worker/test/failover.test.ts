import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessRuntime } from '@gguf/runtime';
import { createTestDatabase, type TestDatabase } from '@gguf/testkit';
import { fakeLlamaServerExecutable } from '@gguf/testkit/docker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../../gateway/src/test/gateway-process';
import type { WorkerHandle } from '../src/worker';
import { Api, createApiKey, createDeployment, createOrg, describeDeployment, nodeSettings, putLibraryModel, startTestGateway, startTestWorker, testModelStore, testServerUser, testRedisUrl, traversable, serverOf, waitFor, waitForStatus, withServers } from './helpers';
import { retried, steadyTraffic, TRAFFIC } from './steady-traffic';

/**
 * Failover end to end (issue 11): a worker on the process runtime and a real gateway process, called with the
 * official SDKs by a few steady loops. The deployment's llama-server is killed (SIGKILL) once mid-way: the worker
 * restarts it on the same port, and the gateway retries the requests that failed before their first byte and
 * holds them, and those that follow, until it is back. A stream that had already sent bytes cannot be retried:
 * it ends with its protocol's error event, never with a 5xx.
 */
let t: TestDatabase;
let root: string;
let api: Api;
let worker: WorkerHandle;
let gateway: GatewayProcess;
let orgId: string;
let key: string;
let redisUrl: string;
let modelsDir: string;
let binary: string;

beforeAll(async () => {
  t = await createTestDatabase();
  redisUrl = await testRedisUrl(15);
  root = await traversable(await mkdtemp(join(tmpdir(), 'gguf-failover-')));
  binary = await fakeLlamaServerExecutable(join(root, 'bin'));
  modelsDir = join(root, 'models');
  await putLibraryModel(modelsDir);
  api = new Api(t.db, redisUrl);
  orgId = await createOrg(t.db);
  key = await createApiKey(t.db, orgId);
  const stateDir = join(root, 'state');
  worker = await startTestWorker({
    db: t.db,
    redisUrl,
    node: nodeSettings({ name: 'failover-node', cpuSlots: 2 }),
    models: await testModelStore(modelsDir, stateDir),
    // Tokens take a while, so requests are in flight when the server dies; loading takes a second, so they wait.
    runtime: (nodeId) => new ProcessRuntime({ nodeId, binary, stateDir, bindHost: '127.0.0.1', env: { FAKE_LLAMA_LOAD_MS: '1000', FAKE_LLAMA_TOKEN_DELAY_MS: '15' }, serverUser: testServerUser }),
  });
  gateway = await startTestGateway(t.url, redisUrl, { GATEWAY_KEY_RPM: '0', GATEWAY_ORG_RPM: '0', GATEWAY_KEY_MAX_STREAMS: '0', GATEWAY_ORG_MAX_STREAMS: '0', GATEWAY_WAKE_COMMENT_INTERVAL_MS: '500' });
}, 120_000);

afterAll(async () => {
  gateway?.child.kill('SIGTERM');
  await worker?.stop();
  for (const s of (await worker?.runtime.list().catch(() => [])) ?? []) await worker.runtime.remove(s.handle).catch(() => undefined);
  await api?.close();
  await t?.drop();
  await rm(root, { recursive: true, force: true });
});

describe('failover end to end', () => {
  it('answers every request of 10 s of steady traffic while the server is killed and restarted: no 5xx, streams complete or end with an error event', { timeout: 120_000 }, async () => {
    const row = await createDeployment(t.db, orgId, { modelName: 'failover-model' });
    await api.sync(row.id);
    await waitForStatus(t.db, row.id, 'running', 30_000);
    const retriesBefore = await retried(gateway.url);
    const traffic = steadyTraffic(`${gateway.url}/api/gguf/${row.id}`, key, TRAFFIC);
    const started = Date.now();

    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const [server] = (await worker.runtime.list()).filter((s) => s.deploymentId === row.id && s.state === 'running');
    expect(server?.pid).toBeGreaterThan(0);
    process.kill(server!.pid!, 'SIGKILL');
    // The worker sees the exit and restarts it.
    await waitFor(
      'the server to be restarted',
      async () => {
        const now = await withServers(t.db, row.id);
        return now?.status === 'running' && now.servers[0]?.status === 'ready' && now.servers[0].restartCount === 1 ? now : undefined;
      },
      30_000,
      () => describeDeployment(t.db, row.id),
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(1_000, 10_000 - (Date.now() - started))));
    traffic.stop();
    const tallies = await traffic.done;

    const retries = (await retried(gateway.url)) - retriesBefore;
    console.info(`failover: ${JSON.stringify(tallies)}, retried ${retries}`);
    for (const tally of Object.values(tallies)) expect(tally.failures).toEqual([]);
    expect(tallies.plain.streamErrors).toBe(0);
    expect(Object.values(tallies).every((tally) => tally.ok > 0)).toBe(true);
    expect(retries).toBeGreaterThanOrEqual(1);
  });
  it('brings a deployment back on another node when its node is lost while traffic runs, holding its requests meanwhile', { timeout: 120_000 }, async () => {
    // A second node, kept out of the way until the deployment runs on the first.
    const standby = await startTestWorker({
      db: t.db,
      redisUrl,
      node: nodeSettings({ name: 'standby-node', cpuSlots: 2 }),
      models: await testModelStore(modelsDir, join(root, 'standby-state')),
      runtime: (nodeId) => new ProcessRuntime({ nodeId, binary, stateDir: join(root, 'standby-state'), bindHost: '127.0.0.1', env: { FAKE_LLAMA_LOAD_MS: '1000' }, serverUser: testServerUser }),
    });
    try {
      await t.db.node.update({ where: { id: standby.nodeId }, data: { cordoned: true } });
      const row = await createDeployment(t.db, orgId, { modelName: 'node-lost-model' });
      await api.sync(row.id);
      const first = await waitForStatus(t.db, row.id, 'running', 30_000);
      expect(serverOf(first).nodeId).toBe(worker.nodeId);
      await t.db.node.update({ where: { id: standby.nodeId }, data: { cordoned: false } });

      const traffic = steadyTraffic(`${gateway.url}/api/gguf/${row.id}`, key, TRAFFIC);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      // The node is lost: its worker goes silent and its server dies with it.
      const [server] = (await worker.runtime.list()).filter((s) => s.deploymentId === row.id && s.state === 'running');
      await worker.stop();
      process.kill(server!.pid!, 'SIGKILL');
      const moved = await waitFor(
        'the deployment to run on the other node',
        async () => {
          const now = await withServers(t.db, row.id);
          return now?.status === 'running' && now.servers[0]?.nodeId === standby.nodeId ? now : undefined;
        },
        60_000,
        () => describeDeployment(t.db, row.id),
      );
      expect(serverOf(moved).upstreamUrl).not.toBe(serverOf(first).upstreamUrl);
      // Traffic goes on a little on the new node, then stops.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      traffic.stop();
      const tallies = await traffic.done;
      console.info(`node lost: ${JSON.stringify(tallies)}`);
      for (const tally of Object.values(tallies)) expect(tally.failures).toEqual([]);
      expect(tallies.plain.streamErrors).toBe(0);
      expect(Object.values(tallies).every((tally) => tally.ok > 0)).toBe(true);
      const events = await t.db.deploymentEvent.findMany({ where: { deploymentId: row.id, type: 'status', toStatus: 'pending' } });
      expect(events.at(-1)?.message).toBe('node failover-node is unreachable; its server is placed elsewhere');
    } finally {
      await standby.stop();
      for (const s of await standby.runtime.list().catch(() => [])) await standby.runtime.remove(s.handle).catch(() => undefined);
    }
  });
});
