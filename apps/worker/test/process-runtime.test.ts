import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeRedis, createRedis, type Redis, readDeploymentLogs, syncJobId } from '@gguf/redis';
import { deploymentPrefix, isAlive, ProcessRuntime } from '@gguf/runtime';
import { createTestDatabase, type TestDatabase } from '@gguf/testkit';
import { fakeLlamaServerExecutable } from '@gguf/testkit/docker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeSettings } from '../src/context';
import type { Timing } from '../src/env';
import type { WorkerHandle } from '../src/worker';
import {
  Api,
  callUpstream,
  createDeployment,
  createOrg,
  describeDeployment,
  ggufBytes,
  hostileModel,
  hostileReport,
  nodeSettings,
  putLibraryModel,
  startTestWorker,
  testModelStore,
  testRedisUrl,
  testServerUser,
  traversable,
  waitFor,
  waitForStatus,
  serverOf,
  withServers,
  upstreamSecretOf,
} from './helpers';

/**
 * The worker end to end on the process runtime: real Postgres and Redis, the fake llama-server
 * as LLAMA_SERVER_BIN, deployments created the way the REST API creates them.
 */
let t: TestDatabase;
let redisUrl: string;
let root: string;
let binary: string;
let modelsDir: string;
let api: Api;
let orgId: string;
const workers: WorkerHandle[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  redisUrl = await testRedisUrl(11);
  root = await traversable(await mkdtemp(join(tmpdir(), 'gguf-worker-process-')));
  binary = await fakeLlamaServerExecutable(join(root, 'bin'));
  modelsDir = join(root, 'models');
  api = new Api(t.db, redisUrl);
  orgId = await createOrg(t.db);
});

afterAll(async () => {
  for (const w of workers) await w.stop().catch(() => undefined);
  // Servers outlive a worker on purpose; the test's own must not outlive the test.
  for (const w of workers) for (const s of await w.runtime.list().catch(() => [])) await w.runtime.remove(s.handle).catch(() => undefined);
  await api?.close();
  await t?.drop();
  await rm(root, { recursive: true, force: true });
});

async function startProcessWorker(
  node: Partial<NodeSettings> = {},
  serverEnv: Record<string, string> = {},
  serversOnShutdown: 'keep' | 'stop' = 'keep',
  timing: Partial<Timing> = {},
): Promise<WorkerHandle> {
  const settings = nodeSettings({ runtimeKind: 'process', ...node });
  const stateDir = join(root, 'state', settings.name);
  const worker = await startTestWorker({
    db: t.db,
    redisUrl,
    serversOnShutdown,
    timing,
    node: settings,
    models: await testModelStore(modelsDir, stateDir),
    runtime: (nodeId) => new ProcessRuntime({ nodeId, binary, stateDir, bindHost: '127.0.0.1', env: { FAKE_LLAMA_LOAD_MS: '150', ...serverEnv }, serverUser: testServerUser }),
  });
  workers.push(worker);
  return worker;
}

/** All a server's environment may hold: what finds programs, libraries and the locale, its own directory, its GPUs, the fake's knobs (PWD: set by the test binary's shell wrapper). */
const SERVER_ENVIRONMENT = /^(PATH|LANG|LC_ALL|TZ|LD_LIBRARY_PATH|HOME|TMPDIR|CUDA_VISIBLE_DEVICES|PWD|FAKE_LLAMA_\w+)$/;

let cpuWorker: WorkerHandle;
beforeAll(async () => {
  cpuWorker = await startProcessWorker({ name: 'cpu-node', cpuSlots: 8 });
});

const serversOf = async (worker: WorkerHandle, deploymentId: string) => (await worker.runtime.list()).filter((s) => s.deploymentId === deploymentId);

describe('process runtime: deployment lifecycle', () => {
  // One deployment through its whole life, step by step: each step needs the one before.
  let logs: Redis;
  beforeAll(() => {
    logs = createRedis(redisUrl, 'test-logs');
  });
  afterAll(() => closeRedis(logs));

  it('deploys, ships its output, restarts a killed server, stops, starts, restarts and deletes', { timeout: 90_000 }, async () => {
    // Deploys: pending → scheduling → starting → running, reachable only with the internal key.
    const row = await createDeployment(t.db, orgId);
    const id = row.id;
    await api.sync(id, 'created');
    const running = await waitForStatus(t.db, id, 'running');
    expect(serverOf(running).nodeId).toBe(cpuWorker.nodeId);
    expect(serverOf(running).upstreamUrl).toBe(`http://127.0.0.1:${serverOf(running).port}`);
    expect(serverOf(running).readyAt).not.toBeNull();

    const models = await callUpstream(running, '/v1/models');
    expect(models.status).toBe(200);
    expect((models.body as { data: { id: string }[] }).data[0]?.id).toBe('tiny-q4_0');
    // As llama-server does, /v1/models stays open; everything that costs or reveals anything needs the key.
    expect((await callUpstream(running, '/props', null)).status).toBe(401);
    expect((await callUpstream(running, '/props', 'wrong-key')).status).toBe(401);
    expect((await callUpstream(running, '/props')).status).toBe(200);

    const events = await t.db.deploymentEvent.findMany({ where: { deploymentId: id, type: 'status' }, orderBy: { id: 'asc' } });
    expect(events.map((e) => `${e.fromStatus}→${e.toStatus}`)).toEqual(['pending→scheduling', 'scheduling→starting', 'starting→running']);

    const [server] = await serversOf(cpuWorker, id);
    expect(server).toMatchObject({ state: 'running', generation: 1, port: serverOf(running).port, serverId: serverOf(running).id });
    // The secret is in a file only the server's user reads: never on the command line or in the environment.
    const proc = async (file: string) => readFile(`/proc/${server!.pid}/${file}`, 'utf8').catch(() => '');
    const cmdline = (await proc('cmdline')).split('\0');
    expect(cmdline).toContain('--api-key-file');
    expect(cmdline.join(' ')).not.toContain(upstreamSecretOf(running));
    const environment = (await proc('environ')).split('\0').filter(Boolean);
    expect(environment.join('\n')).not.toContain(upstreamSecretOf(running));
    // Nothing of the worker's own environment but what finds programs and the locale.
    expect(environment.map((line) => line.split('=')[0]).filter((name) => !SERVER_ENVIRONMENT.test(name!))).toEqual([]);
    if (testServerUser) expect((await proc('status')).match(/^Uid:\s+(\d+)/m)?.[1]).toBe('65534');

    // Ships llama-server output to Redis for the logs endpoint.
    const lines = await waitFor('server logs in Redis', async () => {
      const got = await readDeploymentLogs(logs, id, 200);
      return got.some((l) => l.includes('starting the main loop')) ? got : undefined;
    });
    expect(lines.some((l) => l.includes('main: model loaded'))).toBe(true);

    // Brings a killed server back by itself, counting the restart.
    const [killed] = await serversOf(cpuWorker, id);
    process.kill(killed!.pid!, 'SIGKILL');
    const back = await waitFor(
      'the server to come back',
      async () => {
        const row = await withServers(t.db, id);
        return row?.status === 'running' && row.servers[0]?.status === 'ready' && row.servers[0].restartCount === 1 ? row : undefined;
      },
      15_000,
      () => describeDeployment(t.db, id),
    );
    const exits = await t.db.deploymentEvent.findMany({ where: { deploymentId: id, type: 'exit' } });
    expect(exits).toHaveLength(1);
    const [again] = await serversOf(cpuWorker, id);
    expect(again?.pid).not.toBe(killed!.pid);
    expect((await callUpstream(back, '/health')).status).toBe(200);

    // Stops, starts and restarts, leaving nothing behind when stopped.
    const before = await serversOf(cpuWorker, id);
    await api.setDesired(id, 'stopped');
    const stopped = await waitForStatus(t.db, id, 'stopped');
    expect(stopped.servers).toEqual([]);
    expect(await serversOf(cpuWorker, id)).toEqual([]);
    expect(isAlive(before[0]!.pid!)).toBe(false);

    await api.setDesired(id, 'running');
    const started = await waitForStatus(t.db, id, 'running');
    expect((await callUpstream(started, '/health')).status).toBe(200);

    // Restart = a new generation: the old server is replaced by one of generation 2.
    await api.setDesired(id, 'running', true);
    await waitFor('generation 2 to run', async () => {
      const row = await t.db.deployment.findUnique({ where: { id } });
      const servers = await serversOf(cpuWorker, id);
      return row?.status === 'running' && servers.length === 1 && servers[0]!.generation === 2 ? true : undefined;
    }, 15_000, () => describeDeployment(t.db, id));

    // Deletes: the server, its log file, its captured logs and its port are gone.
    const logsDir = join(root, 'state', 'cpu-node', 'logs');
    const logFiles = async () => (await readdir(logsDir)).filter((name) => name.startsWith(deploymentPrefix(id)));
    expect((await logFiles()).length).toBeGreaterThan(0);
    await api.setDesired(id, 'deleted');
    const deleted = await waitForStatus(t.db, id, 'deleted');
    expect(deleted.servers).toEqual([]);
    expect(deleted.deletedAt).not.toBeNull();
    expect(await serversOf(cpuWorker, id)).toEqual([]);
    expect(await logFiles()).toEqual([]);
    expect(await readDeploymentLogs(logs, id, 10)).toEqual([]);
  });
});

describe('process runtime: shutdown', () => {
  it('hands an unfinished deploy back on a graceful stop; the next worker of the node adopts the server', async () => {
    const slowSettings = { name: 'slow-node', cpuSlots: 1 };
    const slow = await startProcessWorker(slowSettings, { FAKE_LLAMA_LOAD_MS: '2500' });
    await t.db.node.update({ where: { id: cpuWorker.nodeId }, data: { cordoned: true } });
    try {
      const row = await createDeployment(t.db, orgId);
      await api.sync(row.id);
      await waitFor('the server to be started', async () => (await withServers(t.db, row.id))?.servers[0]?.runtimeHandle != null || undefined);
      const [server] = await serversOf(slow, row.id);
      await slow.stop();
      // Stopped while llama-server was loading: nothing failed, the server keeps loading.
      expect((await t.db.deployment.findUniqueOrThrow({ where: { id: row.id } })).status).toBe('starting');
      expect(isAlive(server!.pid!)).toBe(true);

      const next = await startProcessWorker(slowSettings, { FAKE_LLAMA_LOAD_MS: '2500' });
      expect(next.nodeId).toBe(slow.nodeId);
      const running = await waitForStatus(t.db, row.id, 'running');
      expect((await serversOf(next, row.id)).map((s) => s.pid)).toEqual([server!.pid]);
      expect(await t.db.deploymentEvent.count({ where: { deploymentId: row.id, type: 'server' } })).toBe(1);
      expect((await callUpstream(running, '/health')).status).toBe(200);
      await api.setDesired(row.id, 'deleted');
      await waitForStatus(t.db, row.id, 'deleted');
      await next.stop();
    } finally {
      // The slow node is gone for good: keep the scheduler away from it.
      await t.db.node.update({ where: { id: slow.nodeId }, data: { cordoned: true } });
      await t.db.node.update({ where: { id: cpuWorker.nodeId }, data: { cordoned: false } });
    }
  });
});

describe('process runtime: single-box shutdown', () => {
  it('stops its servers with the worker when asked to, and starts them again with the next one', async () => {
    const box = { name: 'laptop-node', cpuSlots: 1 };
    const first = await startProcessWorker(box, {}, 'stop');
    await t.db.node.update({ where: { id: cpuWorker.nodeId }, data: { cordoned: true } });
    try {
      const row = await createDeployment(t.db, orgId);
      await api.sync(row.id);
      await waitForStatus(t.db, row.id, 'running');
      const [server] = await serversOf(first, row.id);
      await first.stop();
      expect(isAlive(server!.pid!)).toBe(false);
      expect(await serversOf(first, row.id)).toEqual([]);
      expect(await t.db.deployment.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
        status: 'starting',
        statusMessage: "llama-server stopped with the worker of node laptop-node; it starts again when the worker does",
      });

      const second = await startProcessWorker(box, {}, 'stop');
      const running = await waitForStatus(t.db, row.id, 'running');
      expect(serverOf(running).restartCount).toBe(0);
      expect((await callUpstream(running, '/health')).status).toBe(200);
      await api.setDesired(row.id, 'deleted');
      await waitForStatus(t.db, row.id, 'deleted');
      await second.stop();
    } finally {
      await t.db.node.update({ where: { id: first.nodeId }, data: { cordoned: true } });
      await t.db.node.update({ where: { id: cpuWorker.nodeId }, data: { cordoned: false } });
    }
  });
});

describe('process runtime: failures', () => {
  it('fails a deployment whose library model does not exist, with a readable message, releasing its slot', async () => {
    const row = await createDeployment(t.db, orgId, { modelPath: 'nowhere/missing.gguf' });
    await api.sync(row.id);
    const failed = await waitForStatus(t.db, row.id, 'failed');
    expect(failed.statusMessage).toBe("model file not found in the node's library: nowhere/missing.gguf");
    expect(failed.servers).toEqual([]);
    expect(await serversOf(cpuWorker, row.id)).toEqual([]);
    // Failed stays failed: a reconcile pass looks at it and queues nothing for the same generation.
    const { cluster } = await cpuWorker.reconcileNow();
    expect(cluster.queued).not.toContain(row.id);
    expect((await t.db.deployment.findUniqueOrThrow({ where: { id: row.id } })).status).toBe('failed');
  });

  it('fails a server that is not ready within SERVER_READY_TIMEOUT_MS (still loading), saying so and removing it', async () => {
    const sluggish = await startProcessWorker({ name: 'sluggish-node', cpuSlots: 0, gpus: [{ index: 0, type: 'Sluggish GPU', memoryMb: 1000 }] }, { FAKE_LLAMA_LOAD_MS: '600000' }, 'keep', { readyTimeoutMs: 1_500 });
    const row = await createDeployment(t.db, orgId, { gpuCount: 1, gpuType: 'Sluggish' });
    await api.sync(row.id);
    const failed = await waitForStatus(t.db, row.id, 'failed', 30_000);
    expect(failed.statusMessage).toMatch(/^llama-server was not ready after 2s/);
    const event = await t.db.deploymentEvent.findFirstOrThrow({ where: { deploymentId: row.id, type: 'status', toStatus: 'failed' } });
    expect(event.data).toMatchObject({ reason: 'ready_timeout' });
    expect(await serversOf(sluggish, row.id)).toEqual([]);
    expect(await t.db.gpuAllocation.count({ where: { server: { deploymentId: row.id } } })).toBe(0);
  });

  it('runs a model from the library, recording its SHA-256 and size', async () => {
    const content = ggufBytes(1000);
    await putLibraryModel(modelsDir, 'team/tiny.gguf', content);
    const row = await createDeployment(t.db, orgId, { modelPath: 'team/tiny.gguf' });
    await api.sync(row.id);
    const running = await waitForStatus(t.db, row.id, 'running');
    expect(((await callUpstream(running, '/v1/models')).body as { data: { id: string }[] }).data[0]?.id).toBe('tiny');
    const { createHash } = await import('node:crypto');
    expect(running).toMatchObject({ modelSha256: createHash('sha256').update(content).digest('hex'), modelBytes: 1000n });
    await api.setDesired(row.id, 'deleted');
    await waitForStatus(t.db, row.id, 'deleted');
  });

  it('refuses, before any server parses it, a library file that is not GGUF and a link out of the library', async () => {
    await putLibraryModel(modelsDir, 'fake.gguf', Buffer.from('<html>not a model</html>'));
    const outside = join(root, 'outside.gguf');
    await writeFile(outside, ggufBytes());
    await symlink(outside, join(modelsDir, 'library', 'escape.gguf'));
    const notGguf = await createDeployment(t.db, orgId, { modelPath: 'fake.gguf' });
    const escape = await createDeployment(t.db, orgId, { modelPath: 'escape.gguf' });
    await Promise.all([api.sync(notGguf.id), api.sync(escape.id)]);
    expect((await waitForStatus(t.db, notGguf.id, 'failed')).statusMessage).toBe('the model file is not a GGUF file');
    expect((await waitForStatus(t.db, escape.id, 'failed')).statusMessage).toBe("model file not found in the node's library: escape.gguf");
    const servers = await t.db.deploymentEvent.count({ where: { deploymentId: { in: [notGguf.id, escape.id] }, type: 'server' } });
    expect(servers).toBe(0);
  });

  it('refuses a malformed model reference at once, without retrying the job', async () => {
    const row = await createDeployment(t.db, orgId, { modelSource: 'huggingface', modelPath: null, modelRepo: 'not-a-repo', modelFile: 'x.gguf' });
    await api.sync(row.id);
    const failed = await waitForStatus(t.db, row.id, 'failed');
    expect(failed.statusMessage).toBe('invalid model reference: repo: must be a Hugging Face repository like "owner/name"');
    const job = await waitFor('the job to fail', async () => {
      const j = await api.queue.getJob(syncJobId({ deploymentId: row.id, generation: 1, desiredState: 'running', reason: '' }));
      return j && (await j.isFailed()) ? j : undefined;
    });
    expect(job.attemptsMade).toBe(1);
    expect(await t.db.gpuAllocation.count({ where: { server: { deploymentId: row.id } } })).toBe(0);
  });
});

describe('process runtime: a compromised server', () => {
  it("cannot read the worker's secrets file or environment, and sees none of its variables: it runs as SERVER_USER", async () => {
    expect(process.getuid?.(), 'the process runtime keeps servers from the worker only when the worker runs as root (CI does): run the tests as root').toBe(0);
    const secretsFile = join(root, 'data', 'secrets.json');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(root, 'data'), { recursive: true, mode: 0o755 }));
    await writeFile(secretsFile, JSON.stringify({ adminToken: 'do-not-leak' }), { mode: 0o600 });
    await putLibraryModel(modelsDir, 'hostile.gguf', hostileModel({ read: [secretsFile, `/proc/${process.pid}/environ`], write: [join(modelsDir, 'library', 'tiny-q4_0.gguf')], env: true }));
    const row = await createDeployment(t.db, orgId, { modelPath: 'hostile.gguf' });
    await api.sync(row.id);
    await waitForStatus(t.db, row.id, 'running');
    const report = await hostileReport(redisUrl, row.id);
    expect(report.read).toEqual({ [secretsFile]: 'EACCES', [`/proc/${process.pid}/environ`]: 'EACCES' });
    // The library belongs to the admin: a server may read its model, never change one.
    expect(report.write).toEqual({ [join(modelsDir, 'library', 'tiny-q4_0.gguf')]: 'EACCES' });
    expect(report.env?.filter((name) => !SERVER_ENVIRONMENT.test(name))).toEqual([]);
    await api.setDesired(row.id, 'deleted');
    await waitForStatus(t.db, row.id, 'deleted');
  });
});

describe('process runtime: GPUs, capacity and nodes', { timeout: 60_000 }, () => {
  it('keeps a deployment pending with the reason when no node can take it, and places it when capacity appears', async () => {
    const row = await createDeployment(t.db, orgId, { gpuCount: 1, gpuType: 'L4' });
    await api.sync(row.id);
    const pending = await waitFor('the waiting reason', async () => {
      const r = await t.db.deployment.findUnique({ where: { id: row.id } });
      return r?.statusMessage.startsWith('waiting') ? r : undefined;
    });
    expect(pending.status).toBe('pending');
    expect(pending.statusMessage).toBe('waiting for 1 free GPU of type L4: no ready node has 1 GPU of type L4 at all');

    // A GPU node joins: the reconcile loop places the waiting deployment there.
    const gpuWorker = await startProcessWorker({ name: 'gpu-node', cpuSlots: 0, gpus: [{ index: 0, type: 'NVIDIA L4', memoryMb: 23034 }] });
    const running = await waitForStatus(t.db, row.id, 'running');
    expect(serverOf(running).nodeId).toBe(gpuWorker.nodeId);
    expect(await t.db.gpuAllocation.findMany({ where: { server: { deploymentId: row.id } }, select: { nodeId: true, gpuIndex: true } })).toEqual([
      { nodeId: gpuWorker.nodeId, gpuIndex: 0 },
    ]);
  });

  it('gives the last GPU to exactly one of two deployments racing for it, and the other one when it frees', async () => {
    // A node of its own with one GPU, and two deployments racing for it through two workers.
    const raceWorker = await startProcessWorker({ name: 'race-node', cpuSlots: 0, gpus: [{ index: 0, type: 'Race GPU', memoryMb: 1000 }] });
    const a = await createDeployment(t.db, orgId, { gpuCount: 1, gpuType: 'Race' });
    const b = await createDeployment(t.db, orgId, { gpuCount: 1, gpuType: 'Race' });
    await Promise.all([api.sync(a.id), api.sync(b.id)]);
    const winner = await waitFor('one of them to run', async () => (await t.db.deployment.findMany({ where: { id: { in: [a.id, b.id] }, status: 'running' } }))[0]);
    const loserId = winner.id === a.id ? b.id : a.id;
    // The other one was looked at after the GPU went: it waits, saying why, and a reconcile pass changes nothing.
    await waitFor('the other one to wait for the GPU', async () => {
      const r = await t.db.deployment.findUnique({ where: { id: loserId } });
      return r?.status === 'pending' && r.statusMessage.startsWith('waiting') ? r : undefined;
    });
    await raceWorker.reconcileNow();
    const rows = await t.db.deployment.findMany({ where: { id: { in: [a.id, b.id] } }, include: { servers: true } });
    expect(rows.filter((r) => r.status === 'running').map((r) => r.id)).toEqual([winner.id]);
    expect(rows.find((r) => r.id === loserId)).toMatchObject({
      status: 'pending',
      servers: [],
      statusMessage: 'waiting for 1 free GPU of type Race: the most any ready node has free is 0 (race-node)',
    });
    expect(await t.db.gpuAllocation.count({ where: { nodeId: raceWorker.nodeId } })).toBe(1);

    await api.setDesired(winner.id, 'stopped');
    await waitForStatus(t.db, winner.id, 'stopped');
    await waitForStatus(t.db, loserId, 'running');
    await api.setDesired(loserId, 'deleted');
    await waitForStatus(t.db, loserId, 'deleted');
  });

  it('fails a crash-looping deployment with the reason after the allowed restarts', async () => {
    await startProcessWorker({ name: 'crashy-node', cpuSlots: 0, gpus: [{ index: 0, type: 'Crashy GPU', memoryMb: 1000 }] }, { FAKE_LLAMA_CRASH_AFTER_MS: '1500' });
    const row = await createDeployment(t.db, orgId, { gpuCount: 1, gpuType: 'Crashy' });
    await api.sync(row.id);
    const failed = await waitForStatus(t.db, row.id, 'failed', 25_000);
    expect(failed.statusMessage).toMatch(/^crash loop: llama-server failed 4 times in a row; last: out of memory/);
    expect(await t.db.deploymentEvent.count({ where: { deploymentId: row.id, type: 'exit' } })).toBe(3);
    expect(await t.db.gpuAllocation.count({ where: { server: { deploymentId: row.id } } })).toBe(0);
  });

  it('marks a silent node unreachable and moves its deployments elsewhere; the node removes the orphan when it returns', async () => {
    const mover = await startProcessWorker({ name: 'doomed-node', cpuSlots: 1 });
    // Steer the deployment to the doomed node: the CPU node is cordoned meanwhile (and uncordoned whatever happens).
    await t.db.node.update({ where: { id: cpuWorker.nodeId }, data: { cordoned: true } });
    const row = await createDeployment(t.db, orgId);
    try {
      await api.sync(row.id);
      const onDoomed = await waitForStatus(t.db, row.id, 'running');
      expect(serverOf(onDoomed).nodeId).toBe(mover.nodeId);
    } finally {
      await t.db.node.update({ where: { id: cpuWorker.nodeId }, data: { cordoned: false } });
    }

    // The doomed node's worker goes away without a word (its server keeps running, as after a crash of the worker).
    await mover.stop();
    const moved = await waitFor(
      'the deployment to run on another node',
      async () => {
        const r = await withServers(t.db, row.id);
        return r?.status === 'running' && r.servers[0]?.nodeId === cpuWorker.nodeId ? r : undefined;
      },
      30_000,
      () => describeDeployment(t.db, row.id),
    );
    expect((await t.db.node.findUniqueOrThrow({ where: { id: mover.nodeId } })).status).toBe('unreachable');
    expect((await callUpstream(moved, '/health')).status).toBe(200);
    const events = await t.db.deploymentEvent.findMany({ where: { deploymentId: row.id, type: 'status', toStatus: 'pending' } });
    expect(events.at(-1)?.message).toBe('node doomed-node is unreachable; its server is placed elsewhere');
    expect(await serversOf(mover, row.id)).toHaveLength(1);

    // Back again: its reconcile finds a server of a deployment placed elsewhere and removes it.
    const back = await startProcessWorker({ name: 'doomed-node', cpuSlots: 1 });
    expect(back.nodeId).toBe(mover.nodeId);
    await waitFor('the orphan to be removed', async () => ((await serversOf(back, row.id)).length === 0 ? true : undefined));
    expect((await t.db.node.findUniqueOrThrow({ where: { id: mover.nodeId } })).status).toBe('ready');
    expect(await t.db.deploymentEvent.count({ where: { deploymentId: row.id, type: 'orphan' } })).toBe(1);
    await api.setDesired(row.id, 'deleted');
    await waitForStatus(t.db, row.id, 'deleted');
  });
});
