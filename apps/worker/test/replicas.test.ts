import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessRuntime } from '@gguf/runtime';
import { createTestDatabase, type TestDatabase } from '@gguf/testkit';
import { fakeLlamaServerExecutable } from '@gguf/testkit/docker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../../gateway/src/test/gateway-process';
import type { WorkerHandle } from '../src/worker';
import {
  Api,
  createApiKey,
  createDeployment,
  createOrg,
  describeDeployment,
  type DeploymentWithServers,
  nodeSettings,
  putLibraryModel,
  startTestGateway,
  startTestWorker,
  testModelStore,
  testRedisUrl,
  testServerUser,
  traversable,
  waitFor,
  withServers,
} from './helpers';
import { steadyTraffic, type Tally, TRAFFIC } from './steady-traffic';

/**
 * Replicas end to end (issue 11): two workers with their own node names on this machine, each on the
 * process runtime, and a real gateway process called with the official SDKs. A deployment's servers
 * spread over both nodes; one killed, or a whole node lost, under steady traffic fails no request;
 * autoscaling adds a server under sustained load and takes it away when idle.
 */
let t: TestDatabase;
let root: string;
let api: Api;
let gateway: GatewayProcess;
let orgId: string;
let key: string;
let redisUrl: string;
const workers: WorkerHandle[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  redisUrl = await testRedisUrl(10);
  root = await traversable(await mkdtemp(join(tmpdir(), 'gguf-replicas-')));
  const binary = await fakeLlamaServerExecutable(join(root, 'bin'));
  const modelsDir = join(root, 'models');
  await putLibraryModel(modelsDir);
  api = new Api(t.db, redisUrl);
  orgId = await createOrg(t.db);
  key = await createApiKey(t.db, orgId);
  for (const name of ['replica-a', 'replica-b']) {
    const stateDir = join(root, name);
    workers.push(
      await startTestWorker({
        db: t.db,
        redisUrl,
        node: nodeSettings({ name, cpuSlots: 4 }),
        models: await testModelStore(modelsDir, stateDir),
        // Tokens take a while, so requests are in flight when a server dies; loading takes half a second.
        runtime: (nodeId) => new ProcessRuntime({ nodeId, binary, stateDir, bindHost: '127.0.0.1', env: { FAKE_LLAMA_LOAD_MS: '500', FAKE_LLAMA_TOKEN_DELAY_MS: '15' }, serverUser: testServerUser }),
      }),
    );
  }
  gateway = await startTestGateway(t.url, redisUrl, { GATEWAY_KEY_RPM: '0', GATEWAY_ORG_RPM: '0', GATEWAY_KEY_MAX_STREAMS: '0', GATEWAY_ORG_MAX_STREAMS: '0' });
}, 120_000);

afterAll(async () => {
  gateway?.child.kill('SIGTERM');
  for (const worker of workers) {
    await worker.stop().catch(() => undefined);
    for (const s of await worker.runtime.list().catch(() => [])) await worker.runtime.remove(s.handle).catch(() => undefined);
  }
  await api?.close();
  await t?.drop();
  await rm(root, { recursive: true, force: true });
});

/** The deployment once it runs `count` ready servers, each on a node `where` accepts. */
function readyServers(id: string, count: number, where: (nodeIds: string[]) => boolean, timeoutMs = 45_000): Promise<DeploymentWithServers> {
  return waitFor(
    `${count} ready servers of ${id}`,
    async () => {
      const row = await withServers(t.db, id);
      const ready = row?.servers.filter((s) => s.status === 'ready') ?? [];
      return row?.status === 'running' && row.servers.length === count && ready.length === count && where(ready.map((s) => s.nodeId)) ? row : undefined;
    },
    timeoutMs,
    () => describeDeployment(t.db, id),
  );
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectNoFailure(tallies: Record<string, Tally>): void {
  for (const tally of Object.values(tallies)) expect(tally.failures).toEqual([]);
  expect(tallies.plain!.streamErrors).toBe(0);
  expect(Object.values(tallies).every((tally) => tally.ok > 0)).toBe(true);
}

describe('replicas end to end', () => {
  it('scales up by one under sustained load and back down when idle, each step an event with its figures', { timeout: 150_000 }, async () => {
    const row = await createDeployment(t.db, orgId, { modelName: 'autoscaled', replicasMin: 1, replicasMax: 2, replicasWanted: 1, targetConcurrency: 1, scaleDownAfterS: 3 });
    await api.sync(row.id);
    await readyServers(row.id, 1, () => true);

    // Six loops on one server whose target is one request in flight: busy, for longer than 15 s.
    const traffic = steadyTraffic(`${gateway.url}/api/gguf/${row.id}`, key, TRAFFIC);
    const up = await waitFor('a scale-up event', () => t.db.deploymentEvent.findFirst({ where: { deploymentId: row.id, type: 'scale' } }).then((e) => e ?? undefined), 60_000, () => describeDeployment(t.db, row.id));
    expect(up.data).toMatchObject({ reason: 'busy', from: 1, to: 2, target: 1 });
    expect((up.data as { forS: number }).forS).toBeGreaterThanOrEqual(15);
    const scaled = await readyServers(row.id, 2, (nodes) => new Set(nodes).size === 2);
    expect(scaled.replicasWanted).toBe(2);
    traffic.stop();
    expectNoFailure(await traffic.done);

    // Idle: below half the target for scale_down_after_s, one server goes.
    const down = await waitFor(
      'a scale-down event',
      () => t.db.deploymentEvent.findFirst({ where: { deploymentId: row.id, type: 'scale', data: { path: ['reason'], equals: 'quiet' } } }).then((e) => e ?? undefined),
      30_000,
      () => describeDeployment(t.db, row.id),
    );
    expect(down.data).toMatchObject({ from: 2, to: 1 });
    await readyServers(row.id, 1, () => true);
    await api.setDesired(row.id, 'deleted');
  });

  it('runs replicas {min: 2, max: 2} as two servers on two nodes, and answers 10 s of steady traffic while one is killed', { timeout: 120_000 }, async () => {
    const row = await createDeployment(t.db, orgId, { modelName: 'two-replicas', replicasMin: 2, replicasMax: 2, replicasWanted: 2 });
    await api.sync(row.id);
    const both = await readyServers(row.id, 2, (nodes) => new Set(nodes).size === 2);
    expect(new Set(both.servers.map((s) => s.nodeId))).toEqual(new Set(workers.map((w) => w.nodeId)));

    const traffic = steadyTraffic(`${gateway.url}/api/gguf/${row.id}`, key, TRAFFIC);
    const started = Date.now();
    await pause(3_000);
    const [victim] = (await workers[0]!.runtime.list()).filter((s) => s.deploymentId === row.id && s.state === 'running');
    process.kill(victim!.pid!, 'SIGKILL');
    await waitFor(
      'the killed server to be restarted',
      async () => {
        const now = await withServers(t.db, row.id);
        return now?.servers.find((s) => s.id === victim!.serverId)?.restartCount === 1 && now.servers.every((s) => s.status === 'ready') ? now : undefined;
      },
      30_000,
      () => describeDeployment(t.db, row.id),
    );
    await pause(Math.max(1_000, 10_000 - (Date.now() - started)));
    traffic.stop();
    const tallies = await traffic.done;
    console.info(`replica killed: ${JSON.stringify(tallies)}`);
    expectNoFailure(tallies);
    await api.setDesired(row.id, 'deleted');
  });

  it('drains a node under steady traffic without failing a request: its server is replaced on the other node first, then goes', { timeout: 120_000 }, async () => {
    const row = await createDeployment(t.db, orgId, { modelName: 'drained' });
    await api.sync(row.id);
    const before = await readyServers(row.id, 1, () => true);
    const drained = before.servers[0]!.nodeId;
    const other = workers.map((w) => w.nodeId).find((id) => id !== drained)!;

    const traffic = steadyTraffic(`${gateway.url}/api/gguf/${row.id}`, key, TRAFFIC);
    await pause(1_500);
    const mark = await t.db.deploymentEvent.findFirstOrThrow({ where: { deploymentId: row.id }, orderBy: { id: 'desc' } });
    // As the admin API drains a node: cordoned, draining, and a sync for each deployment on it.
    await t.db.node.update({ where: { id: drained }, data: { cordoned: true, drainingAt: new Date() } });
    await api.sync(row.id);
    const after = await readyServers(row.id, 1, (nodes) => nodes[0] === other);
    await pause(1_500);
    traffic.stop();
    const tallies = await traffic.done;
    console.info(`node drained: ${JSON.stringify(tallies)}`);
    expectNoFailure(tallies);
    expect(after.servers[0]!.id).not.toBe(before.servers[0]!.id);
    // The old server went only once its replacement was ready: the deployment never stopped running.
    const left = await t.db.deploymentEvent.findMany({ where: { deploymentId: row.id, type: 'status', id: { gt: mark.id } } });
    expect(left.map((e) => e.toStatus)).toEqual([]);
    await t.db.node.update({ where: { id: drained }, data: { cordoned: false, drainingAt: null } });
    await api.setDesired(row.id, 'deleted');
  });

  it('brings the replica of a lost node back on the other node while traffic runs, failing no request', { timeout: 150_000 }, async () => {
    const row = await createDeployment(t.db, orgId, { modelName: 'node-lost', replicasMin: 2, replicasMax: 2, replicasWanted: 2 });
    await api.sync(row.id);
    await readyServers(row.id, 2, (nodes) => new Set(nodes).size === 2);

    const traffic = steadyTraffic(`${gateway.url}/api/gguf/${row.id}`, key, TRAFFIC);
    await pause(2_000);
    // Node b is lost: its worker goes silent and its servers die with it.
    const lost = workers[1]!;
    const dying = (await lost.runtime.list()).filter((s) => s.deploymentId === row.id && s.state === 'running');
    await lost.stop();
    for (const s of dying) process.kill(s.pid!, 'SIGKILL');
    const moved = await readyServers(row.id, 2, (nodes) => nodes.every((n) => n === workers[0]!.nodeId), 60_000);
    expect(moved.servers.map((s) => s.nodeId)).toEqual([workers[0]!.nodeId, workers[0]!.nodeId]);
    await pause(1_500);
    traffic.stop();
    const tallies = await traffic.done;
    console.info(`node lost: ${JSON.stringify(tallies)}`);
    expectNoFailure(tallies);
    const placedElsewhere = await t.db.deploymentEvent.findFirst({ where: { deploymentId: row.id, type: 'server', message: { contains: 'replica-b is unreachable' } } });
    expect(placedElsewhere).not.toBeNull();
  });
});
