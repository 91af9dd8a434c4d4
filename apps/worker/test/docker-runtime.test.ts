import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type AdminScope, registerNode, registerNodeBody } from '@gguf/api';
import { NO_ALLOWED_HOSTS } from '@gguf/core';
import { closeRedis, createRedis, readDeploymentLogs } from '@gguf/redis';
import { DockerRuntime, LABELS, type LaunchRequest, serverName } from '@gguf/runtime';
import { createTestDatabase, TEST_SECRETS_KEY, type TestDatabase, testSecrets } from '@gguf/testkit';
import { buildFakeLlamaServerImage, startTestDocker, type TestDockerDaemon } from '@gguf/testkit/docker';
import { freePort } from '@gguf/local-services';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeSettings } from '../src/context';
import type { WorkerHandle } from '../src/worker';
import { buildNodeHelperImage } from './node-helper-image';
import {
  Api,
  createApiKey,
  callUpstream,
  createDeployment,
  createOrg,
  describeDeployment,
  nodeSettings,
  quietLogger,
  hostileModel,
  hostileReport,
  holdPort,
  putLibraryModel,
  randomPortRange,
  sentinel,
  servicePorts,
  startTestGateway,
  startTestWorker,
  testModelStore,
  testRedisUrl,
  traversable,
  waitFor,
  waitForStatus,
  serverOf,
  withServers,
} from './helpers';
import { steadyTraffic, TRAFFIC } from './steady-traffic';

/**
 * The worker end to end on the Docker runtime, against a private dockerd started for this file
 * and a llama-server image built locally (no registry is reachable). No GPU here: GPU containers
 * are checked by their spec (docker inspect) and by the readable failure the engine gives.
 */
let t: TestDatabase;
let daemon: TestDockerDaemon;
let image: string;
let redisUrl: string;
let root: string;
let modelsDir: string;
let api: Api;
let orgId: string;
let docker: Dockerode;
const workers: WorkerHandle[] = [];

beforeAll(async () => {
  // No skipping: without a Docker engine these tests fail, saying how to get one.
  daemon = await startTestDocker({ tls: true });
  image = await buildFakeLlamaServerImage(daemon);
  t = await createTestDatabase();
  redisUrl = await testRedisUrl(12);
  // Short: servers' Unix sockets live below it, and their paths may not exceed 107 bytes.
  root = await traversable(await mkdtemp(join(tmpdir(), 'gguf-wd-')));
  modelsDir = join(root, 'models');
  await putLibraryModel(modelsDir);
  api = new Api(t.db, redisUrl);
  orgId = await createOrg(t.db);
  docker = new DockerRuntime(runtimeOptions('probe')).docker;
});

afterAll(async () => {
  for (const w of workers) await w.stop().catch(() => undefined);
  await api?.close();
  await t?.drop();
  await daemon?.stop();
  await rm(root, { recursive: true, force: true });
});

/** Tests run as root in CI: servers then run as nobody, as SERVER_USER's default says. */
const serverUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;

function runtimeOptions(nodeId: string, env: Record<string, string> = {}) {
  return {
    endpoint: { url: daemon.host },
    nodeId,
    images: { gpu: image, cpu: image },
    networkMode: 'none' as const,
    bindHost: '127.0.0.1',
    serversDir: join(root, 'run'),
    serverUser,
    env: { FAKE_LLAMA_LOAD_MS: '150', ...env },
    pidsLimit: 256,
  };
}

const testModels = () => testModelStore(modelsDir, join(root, 'state'));

async function startDockerWorker(node: Partial<NodeSettings> = {}): Promise<WorkerHandle> {
  const worker = await startTestWorker({
    db: t.db,
    redisUrl,
    node: nodeSettings({ runtimeKind: 'docker', dockerEndpoint: daemon.host, ...node }),
    models: await testModels(),
    runtime: (nodeId) => new DockerRuntime(runtimeOptions(nodeId)),
  });
  workers.push(worker);
  return worker;
}

const containersOf = (deploymentId: string) => docker.listContainers({ all: true, filters: { label: [`${LABELS.deploymentId}=${deploymentId}`] } });

describe('docker runtime: the container', { timeout: 60_000 }, () => {
  it('is sealed: exactly the allocated GPUs, our labels, a non-root user without privileges or network, read-only, limits, and no secret anywhere docker inspect shows', async () => {
    const runtime = new DockerRuntime({ ...runtimeOptions('node_spec', { GGML_CUDA_ENABLE_UNIFIED_MEMORY: '1' }), memoryBytes: 512 * 1024 * 1024 });
    const modelFile = join(modelsDir, 'library', 'tiny-q4_0.gguf');
    const request: LaunchRequest = {
      deploymentId: 'dep_spec',
      serverId: 'srv_00000000000000000000abcdef',
      generation: 3,
      nodeId: 'node_spec',
      modelFile,
      llamaArgs: { n_gpu_layers: 99 },
      alias: 'm',
      contextSize: 4096,
      parallel: 2,
      embeddings: false,
      port: 20123,
      gpuIndices: [1, 3],
      apiKey: 'internal-secret-value',
      cpus: 2,
    };
    const container = await runtime.createContainer(request);
    try {
      const info = await container.inspect();
      expect(info.Name).toBe('/gguf-spec-abcdef-g3');
      expect(info.HostConfig.DeviceRequests).toEqual([{ Driver: 'nvidia', Count: 0, DeviceIDs: ['1', '3'], Capabilities: [['gpu']], Options: {} }]);
      expect(info.Config.User).toBe(serverUser ? '65534:65534' : `${process.getuid?.()}:${process.getgid?.()}`);
      expect(info.HostConfig).toMatchObject({
        NetworkMode: 'none',
        Privileged: false,
        CapDrop: ['ALL'],
        ReadonlyRootfs: true,
        PidsLimit: 256,
        Memory: 512 * 1024 * 1024,
        NanoCpus: 2_000_000_000,
      });
      expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges:true');
      // The model file read-only, the server's own directory, and nothing else of the node's disks.
      expect(info.HostConfig.Binds).toEqual([`${modelFile}:/models/tiny-q4_0.gguf:ro`, `${join(root, 'run', 'gguf-spec-abcdef-g3')}:/run/llama:rw`]);
      expect(info.Mounts.find((m) => m.Destination === '/models/tiny-q4_0.gguf')?.RW).toBe(false);
      expect(Object.keys(info.HostConfig.Tmpfs ?? {})).toEqual(['/tmp']);
      expect(info.HostConfig.RestartPolicy?.Name).toBe('no');
      expect(info.Config.Labels).toMatchObject({
        [LABELS.managed]: 'true',
        [LABELS.deploymentId]: 'dep_spec',
        [LABELS.generation]: '3',
        [LABELS.nodeId]: 'node_spec',
      });
      expect(info.Config.Cmd).toEqual(expect.arrayContaining(['--host', '/run/llama/llama.sock', '--api-key-file', '/run/llama/api-key', '--alias', 'm', '--n-gpu-layers', '99']));
      // The key is in a file only the server's user reads; the environment holds pass-through variables only.
      expect(info.Config.Env?.filter((line) => !line.startsWith('PATH=') && !line.startsWith('HOME='))).toEqual(['FAKE_LLAMA_LOAD_MS=150', 'GGML_CUDA_ENABLE_UNIFIED_MEMORY=1']);
      expect(JSON.stringify(info)).not.toContain('internal-secret-value');
    } finally {
      await runtime.remove(container.id);
    }
  });
});

describe('docker runtime: deployments', { timeout: 60_000 }, () => {
  let worker: WorkerHandle;

  beforeAll(async () => {
    worker = await startDockerWorker({ name: 'docker-node', cpuSlots: 4 });
  });

  // One deployment through its life, step by step: each step needs the one before.
  it('deploys, restarts a killed container, stops, starts, restarts and deletes, leaving no container behind', { timeout: 120_000 }, async () => {
    // Deploys to running in a container llama-server starts in, reachable with the internal key.
    const row = await createDeployment(t.db, orgId);
    const id = row.id;
    await api.sync(id, 'created');
    const running = await waitForStatus(t.db, id, 'running', 30_000);
    expect(serverOf(running).upstreamUrl).toBe(`http://127.0.0.1:${serverOf(running).port}`);
    const models = await callUpstream(running, '/v1/models');
    expect(models.status).toBe(200);
    expect((models.body as { data: { id: string }[] }).data[0]?.id).toBe('tiny-q4_0');
    expect((await callUpstream(running, '/props', null)).status).toBe(401);

    const containers = await containersOf(id);
    expect(containers).toHaveLength(1);
    expect(containers[0]).toMatchObject({ State: 'running', Image: image });
    expect(containers[0]!.Labels).toMatchObject({ [LABELS.generation]: '1', [LABELS.nodeId]: worker.nodeId, [LABELS.serverId]: serverOf(running).id });
    expect(serverOf(running).runtimeHandle).toBe(containers[0]!.Id);

    const redis = createRedis(redisUrl, 'test-logs');
    try {
      await waitFor('container output in Redis', async () => (await readDeploymentLogs(redis, id, 200)).some((l) => l.includes('starting the main loop')) || undefined);
    } finally {
      await closeRedis(redis);
    }

    // Restarts a killed container by itself.
    const [before] = await containersOf(id);
    await docker.getContainer(before!.Id).kill({ signal: 'SIGKILL' });
    const back = await waitFor(
      'the deployment to run again',
      async () => {
        const row = await withServers(t.db, id);
        return row?.status === 'running' && row.servers[0]?.status === 'ready' && row.servers[0].restartCount === 1 ? row : undefined;
      },
      30_000,
      () => describeDeployment(t.db, id),
    );
    const after = await containersOf(id);
    expect(after).toHaveLength(1);
    expect(after[0]!.Id).not.toBe(before!.Id);
    expect((await callUpstream(back, '/health')).status).toBe(200);
    const exit = await t.db.deploymentEvent.findFirstOrThrow({ where: { deploymentId: id, type: 'exit' } });
    expect(exit.data).toMatchObject({ exitCode: 137, restartCount: 1 });

    // Stops, starts, restarts and deletes, leaving no container behind.
    await api.setDesired(id, 'stopped');
    await waitForStatus(t.db, id, 'stopped');
    expect(await containersOf(id)).toEqual([]);

    await api.setDesired(id, 'running');
    await waitForStatus(t.db, id, 'running', 30_000);
    await api.setDesired(id, 'running', true);
    await waitFor('generation 2 to run', async () => {
      const row = await t.db.deployment.findUnique({ where: { id } });
      const containers = await containersOf(id);
      return row?.status === 'running' && containers.length === 1 && containers[0]!.Labels[LABELS.generation] === '2' ? true : undefined;
    }, 30_000, () => describeDeployment(t.db, id));

    await api.setDesired(id, 'deleted');
    const deleted = await waitForStatus(t.db, id, 'deleted');
    expect(deleted.servers).toEqual([]);
    expect(await containersOf(id)).toEqual([]);
  });

  it('fails a missing library model with the reason, before any container exists', async () => {
    const row = await createDeployment(t.db, orgId, { modelPath: 'missing.gguf' });
    await api.sync(row.id);
    const failed = await waitForStatus(t.db, row.id, 'failed', 30_000);
    expect(failed.statusMessage).toBe("model file not found in the node's library: missing.gguf");
    expect(await containersOf(row.id)).toEqual([]);
  });

  it('fails a GPU deployment the engine cannot give GPUs to, with a readable message', async () => {
    await startDockerWorker({ name: 'docker-gpu-node', cpuSlots: 0, gpus: [{ index: 0, type: 'NVIDIA L4', memoryMb: 23034 }] });
    const row = await createDeployment(t.db, orgId, { gpuCount: 1, gpuType: 'L4' });
    await api.sync(row.id);
    const failed = await waitForStatus(t.db, row.id, 'failed', 30_000);
    expect(failed.statusMessage).toMatch(/^the node cannot give the container its GPUs: could not select device driver "nvidia" with capabilities: \[\[gpu\]\]/);
    expect(await t.db.gpuAllocation.count({ where: { server: { deploymentId: row.id } } })).toBe(0);
    expect(await containersOf(row.id)).toEqual([]);
  });

  it('pulls a missing image first, and fails with the registry\'s reason when it cannot be pulled', async () => {
    const badImage = 'gguf-test/NotLowercase:1';
    const pullWorker = await startTestWorker({
      db: t.db,
      redisUrl,
      node: nodeSettings({ name: 'docker-pull-node', runtimeKind: 'docker', cpuSlots: 0, gpus: [{ index: 0, type: 'Pull Test', memoryMb: 1 }] }),
      models: await testModels(),
      runtime: (nodeId) => new DockerRuntime({ ...runtimeOptions(nodeId), images: { gpu: badImage, cpu: badImage } }),
    });
    workers.push(pullWorker);
    const row = await createDeployment(t.db, orgId, { gpuCount: 1, gpuType: 'Pull' });
    await api.sync(row.id);
    const failed = await waitForStatus(t.db, row.id, 'failed', 30_000);
    expect(failed.statusMessage).toBe(`could not pull ${badImage}: invalid reference format: repository name must be lowercase`);
    const moves = await t.db.deploymentEvent.findMany({ where: { deploymentId: row.id, type: 'status' }, orderBy: { id: 'asc' } });
    expect(moves.map((e) => `${e.fromStatus}→${e.toStatus}`)).toEqual(['pending→scheduling', 'scheduling→pulling', 'pulling→failed']);
    expect(moves[1]?.message).toBe(`pulling image ${badImage}`);
  });

  it('removes containers of deployments that do not exist', async () => {
    const runtime = new DockerRuntime(runtimeOptions(worker.nodeId));
    const deploymentId = 'dep_00000000000000000000000000';
    const request = {
      deploymentId,
      serverId: 'srv_00000000000000000000000000',
      generation: 1,
      nodeId: worker.nodeId,
      modelFile: join(modelsDir, 'library', 'tiny-q4_0.gguf'),
      llamaArgs: {},
      alias: 'c',
      contextSize: 512,
      parallel: 1,
      embeddings: false,
      port: randomPortRange()[0],
      gpuIndices: [],
      apiKey: 'x',
      cpus: 1,
    };
    // The worker's reconcile may find the container between its creation and its start: then it is removed before it runs.
    const orphan = await runtime.start(request).catch((error: Error) => {
      expect(error.message).toMatch(/marked for removal|no such container/i);
      return undefined;
    });
    await waitFor('the orphan to be removed', async () => ((await runtime.list()).some((s) => s.deploymentId === deploymentId) ? undefined : true));
    if (orphan) expect(await runtime.inspect(orphan.handle)).toBeUndefined();
  });
});

describe('docker runtime: replicas on two nodes', { timeout: 120_000 }, () => {
  it('runs replicas {min: 2, max: 2} as two containers on two nodes, and a container killed under steady traffic fails no request', async () => {
    const nodes = [await startDockerWorker({ name: 'replica-a', cpuSlots: 2 }), await startDockerWorker({ name: 'replica-b', cpuSlots: 2 })];
    const gateway = await startTestGateway(t.url, redisUrl, { GATEWAY_KEY_RPM: '0', GATEWAY_ORG_RPM: '0', GATEWAY_KEY_MAX_STREAMS: '0', GATEWAY_ORG_MAX_STREAMS: '0' });
    const row = await createDeployment(t.db, orgId, { modelName: 'docker-replicas', replicasMin: 2, replicasMax: 2, replicasWanted: 2 });
    try {
      await api.sync(row.id);
      const both = await waitFor(
        'two ready servers on two nodes',
        async () => {
          const now = await withServers(t.db, row.id);
          return now?.status === 'running' && now.servers.filter((s) => s.status === 'ready').length === 2 ? now : undefined;
        },
        45_000,
        () => describeDeployment(t.db, row.id),
      );
      expect(new Set(both.servers.map((s) => s.nodeId))).toEqual(new Set(nodes.map((n) => n.nodeId)));
      expect(await containersOf(row.id)).toHaveLength(2);

      const traffic = steadyTraffic(`${gateway.url}/api/gguf/${row.id}`, await createApiKey(t.db, orgId), TRAFFIC);
      await sleep(2_000);
      const victim = both.servers[0]!;
      await docker.getContainer(victim.runtimeHandle!).kill({ signal: 'SIGKILL' });
      await waitFor(
        'the killed container to be replaced',
        async () => {
          const now = await withServers(t.db, row.id);
          return now?.servers.find((s) => s.id === victim.id)?.restartCount === 1 && now.servers.every((s) => s.status === 'ready') ? now : undefined;
        },
        30_000,
        () => describeDeployment(t.db, row.id),
      );
      await sleep(1_500);
      traffic.stop();
      const tallies = await traffic.done;
      console.info(`docker replica killed: ${JSON.stringify(tallies)}`);
      for (const tally of Object.values(tallies)) expect(tally.failures).toEqual([]);
      expect(tallies.plain.streamErrors).toBe(0);
    } finally {
      gateway.child.kill('SIGTERM');
      await api.setDesired(row.id, 'deleted');
      await waitForStatus(t.db, row.id, 'deleted', 30_000).catch(() => undefined);
      // Out of the way of the next tests, which count on their own nodes.
      for (const n of nodes) {
        await t.db.node.update({ where: { id: n.nodeId }, data: { cordoned: true } });
        await n.stop();
      }
    }
  });
});

describe('docker runtime: a compromised server', { timeout: 60_000 }, () => {
  it("reaches nothing: not the node's Postgres, Redis or loopback ports, not its model or file system, not the worker's secrets", async () => {
    const worker = await startDockerWorker({ name: 'docker-hostile-node', cpuSlots: 1 });
    await t.db.node.updateMany({ where: { id: { not: worker.nodeId } }, data: { cordoned: true } });
    const guard = await sentinel();
    try {
      const secretsFile = join(root, 'data', 'secrets.json');
      await mkdir(join(root, 'data'), { recursive: true });
      await writeFile(secretsFile, JSON.stringify({ adminToken: 'do-not-leak' }), { mode: 0o600 });
      const ports = servicePorts(t.url, redisUrl);
      const model = hostileModel({
        // Loopback only: no test sends a packet anywhere else, even one meant to be refused.
        connect: [ports.postgres, ports.redis, guard.port].map((port) => ({ host: '127.0.0.1', port })),
        write: ['/models/hostile.gguf', '/hostile-was-here', '/usr/local/bin/node'],
        read: [secretsFile, join(modelsDir, 'library', 'tiny-q4_0.gguf')],
        env: true,
      });
      const file = await putLibraryModel(modelsDir, 'hostile.gguf', model);
      const row = await createDeployment(t.db, orgId, { modelPath: 'hostile.gguf' });
      await api.sync(row.id);
      await waitForStatus(t.db, row.id, 'running', 30_000);
      const report = await hostileReport(redisUrl, row.id);
      // No network at all: every dial fails inside the container, and nothing arrives on the node.
      expect(Object.values(report.connect).filter((outcome) => outcome === 'connected')).toEqual([]);
      expect(Object.keys(report.connect)).toHaveLength(3);
      expect(guard.connections()).toBe(0);
      // A read-only root file system; the model is read-only twice over (its mount, and a file the server's user does not own).
      expect(report.write['/hostile-was-here']).toBe('EROFS');
      for (const path of ['/models/hostile.gguf', '/usr/local/bin/node']) expect(['EROFS', 'EACCES']).toContain(report.write[path]);
      expect(await readFile(file)).toEqual(model);
      // Nothing of the node's disks but its own model: not the worker's files, not other models.
      expect(Object.values(report.read)).toEqual(['ENOENT', 'ENOENT']);
      expect(report.env?.filter((name) => !['PATH', 'HOME', 'FAKE_LLAMA_LOAD_MS', 'HOSTNAME'].includes(name))).toEqual([]);
      await api.setDesired(row.id, 'deleted');
      await waitForStatus(t.db, row.id, 'deleted');
    } finally {
      await guard.close();
      await t.db.node.updateMany({ data: { cordoned: false } });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// A worker killed in the middle of a deploy
// ---------------------------------------------------------------------------------------------

const WORKER_MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

interface ChildWorker {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

/** What every worker process these tests start shares: this file's database, Redis, image and model store. */
async function childWorkerEnv(nodeName: string, dataDir: string): Promise<Record<string, string>> {
  return {
    DATABASE_URL: t.url,
    REDIS_URL: redisUrl,
    SECRETS_KEY: TEST_SECRETS_KEY,
    LOG_LEVEL: 'info',
    WORKER_PORT: String(await freePort()),
    HOST: '127.0.0.1',
    LLAMA_SERVER_IMAGE: image,
    NODE_NAME: nodeName,
    NODE_GPUS: 'none',
    MODELS_DIR: modelsDir,
    DATA_DIR: join(root, dataDir),
    SERVER_ENV_PASSTHROUGH: 'FAKE_LLAMA_LOAD_MS',
    HEARTBEAT_INTERVAL_MS: '300',
  };
}

async function spawnWorker(env: Record<string, string>): Promise<ChildWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

describe('docker runtime: a worker killed mid-deploy', { timeout: 90_000 }, () => {
  it('is replaced by a new worker that finishes the deploy, with no orphan and no double booking', async () => {
    const nodeName = 'restart-node';
    const [portStart, portEnd] = randomPortRange();
    const env = async () => ({
      ...(await childWorkerEnv(nodeName, 'child-data')),
      RUNTIME: 'docker',
      DOCKER_HOST: daemon.host,
      NODE_ADDRESS: '127.0.0.1',
      NODE_CPU_SLOTS: '1',
      NODE_PORT_RANGE: `${portStart}-${portEnd}`,
      // Slow model load: the worker is killed while it waits for readiness.
      FAKE_LLAMA_LOAD_MS: '4000',
      RECONCILE_INTERVAL_MS: '500',
      NODE_STALE_AFTER_MS: '30000',
      JOB_LOCK_MS: '2000',
    });
    // Keep the other docker nodes out of the way so the deployment lands on the restart node.
    await t.db.node.updateMany({ where: { name: { not: nodeName } }, data: { cordoned: true } });

    const first = await spawnWorker(await env());
    let second: ChildWorker | undefined;
    try {
      await waitFor('the first worker to register', async () => (await t.db.node.findUnique({ where: { name: nodeName } })) ?? undefined, 30_000, async () => first.output.join(''));
      const row = await createDeployment(t.db, orgId);
      await api.sync(row.id);
      const started = await waitFor(
        'llama-server to be started',
        async () => {
          const r = await withServers(t.db, row.id);
          return r?.servers[0]?.runtimeHandle ? r : undefined;
        },
        30_000,
        async () => `${await describeDeployment(t.db, row.id)}\n${first.output.join('')}`,
      );
      expect(started.status).toBe('starting');
      const [container] = await containersOf(row.id);
      first.child.kill('SIGKILL');
      await first.exited;

      second = await spawnWorker(await env());
      const running = await waitForStatus(t.db, row.id, 'running', 45_000).catch(async (error: Error) => {
        throw new Error(`${error.message}\n--- second worker ---\n${second!.output.join('')}`);
      });
      // The new worker adopted the container the killed one started: same container, one only.
      const containers = await containersOf(row.id);
      expect(containers.map((c) => c.Id)).toEqual([container!.Id]);
      expect(serverOf(running).runtimeHandle).toBe(container!.Id);
      expect(await t.db.deploymentEvent.count({ where: { deploymentId: row.id, type: 'server' } })).toBe(1);
      const node = await t.db.node.findUniqueOrThrow({ where: { name: nodeName } });
      expect(await t.db.server.count({ where: { nodeId: node.id } })).toBe(1);
      expect(serverOf(running).port).toBeGreaterThanOrEqual(portStart);
      expect((await callUpstream(running, '/health')).status).toBe(200);

      // A graceful stop (SIGTERM) leaves the server running for the next worker.
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      expect((await containersOf(row.id))[0]?.State).toBe('running');
      await docker.getContainer(container!.Id).remove({ force: true });
      // No worker serves this node any more: left as it is, the deployment would move to the next node that has a
      // free slot once this one goes stale, and take the slot a later test counts on.
      await t.db.server.deleteMany({ where: { deploymentId: row.id } });
      await t.db.deployment.update({ where: { id: row.id }, data: { desiredState: 'deleted', status: 'deleted' } });
    } finally {
      first.child.kill('SIGKILL');
      second?.child.kill('SIGKILL');
      await t.db.node.updateMany({ data: { cordoned: false } });
      await sleep(10);
    }
  });
});

describe('docker runtime: two workers for one node', { timeout: 90_000 }, () => {
  it('serves the node with one of them at a time: one server per deployment, and the other takes over only once the lease lapses', async () => {
    const nodeName = 'twin-node';
    const [portStart, portEnd] = randomPortRange();
    const env = async () => ({
      ...(await childWorkerEnv(nodeName, 'twin-data')),
      RUNTIME: 'docker',
      DOCKER_HOST: daemon.host,
      NODE_ADDRESS: '127.0.0.1',
      NODE_CPU_SLOTS: '1',
      NODE_PORT_RANGE: `${portStart}-${portEnd}`,
      RECONCILE_INTERVAL_MS: '500',
      NODE_STALE_AFTER_MS: '30000',
      JOB_LOCK_MS: '2000',
    });
    await t.db.node.updateMany({ where: { name: { not: nodeName } }, data: { cordoned: true } });
    // Started together: whichever takes the lease first serves the node, the other waits.
    const workers = await Promise.all([spawnWorker(await env()), spawnWorker(await env())]);
    const running = (w: ChildWorker) => w.output.join('').includes('"msg":"worker running"');
    const waiting = (w: ChildWorker) => w.output.join('').includes('another worker holds this node; waiting for its lease to expire');
    const all = () => workers.map((w, i) => `--- worker ${i} ---\n${w.output.join('')}`).join('\n');
    try {
      const [holder, standby] = await waitFor(
        'one worker to serve the node and the other to wait',
        async () => {
          const i = workers.findIndex(running);
          return i >= 0 && waiting(workers[1 - i]!) ? [workers[i]!, workers[1 - i]!] : undefined;
        },
        30_000,
        async () => all(),
      );
      const row = await createDeployment(t.db, orgId);
      await api.sync(row.id);
      const first = await waitForStatus(t.db, row.id, 'running', 45_000).catch(async (error: Error) => {
        throw new Error(`${error.message}\n${all()}`);
      });
      const [container] = await containersOf(row.id);
      expect(await containersOf(row.id)).toHaveLength(1);
      // The standby did nothing meanwhile: it still waits for the lease.
      expect(running(standby)).toBe(false);

      // The holder dies without releasing the lease: the standby takes over once the lease lapses, and adopts the server.
      holder.child.kill('SIGKILL');
      await holder.exited;
      // "worker running" comes after its first reconcile of the node, so the server has been looked at by then.
      await waitFor('the standby to take the node over', async () => running(standby) || undefined, 30_000, async () => all());
      const after = (await withServers(t.db, row.id))!;
      expect(after.status).toBe('running');
      expect((await containersOf(row.id)).map((c) => c.Id)).toEqual([container!.Id]);
      expect(serverOf(after).runtimeHandle).toBe(serverOf(first).runtimeHandle);
      expect(await t.db.deploymentEvent.count({ where: { deploymentId: row.id, type: 'server' } })).toBe(1);
      expect((await callUpstream(after, '/health')).status).toBe(200);

      standby.child.kill('SIGTERM');
      expect(await standby.exited).toBe(0);
      await docker.getContainer(container!.Id).remove({ force: true });
    } finally {
      // Gone whatever happened, so a failure here does not leave a deployment that takes the next test's node.
      const left = await t.db.server.findMany({ where: { node: { name: nodeName } }, select: { deploymentId: true } });
      await t.db.server.deleteMany({ where: { node: { name: nodeName } } });
      await t.db.deployment.updateMany({ where: { id: { in: left.map((s) => s.deploymentId) } }, data: { desiredState: 'deleted', status: 'deleted' } });
      for (const w of workers) w.child.kill('SIGKILL');
      await t.db.node.updateMany({ data: { cordoned: false } });
    }
  });
});

describe('docker runtime: a remote node an admin registered', { timeout: 180_000 }, () => {
  it('is served over mutual TLS with the registered certificates, its sealed servers reached through the node helper', async () => {
    // The engine listens on tcp:// with TLS: to the worker it is remote, so its host's disk and sockets are the helper's.
    const helperImage = await buildNodeHelperImage(daemon);
    const nodeName = 'registered-tls-node';
    const [portStart, portEnd] = randomPortRange();
    const tcp = daemon.tcp!;
    const admin: AdminScope = { actor: { type: 'admin_token', id: null }, requestId: 'req_test' };
    const input = registerNodeBody.parse({
      name: nodeName,
      docker_endpoint: tcp.url,
      docker_tls: { ca: tcp.ca, cert: tcp.cert, key: tcp.key },
      address: '127.0.0.1',
      port_range: { start: portStart, end: portEnd },
      cpu_slots: 1,
    });
    await registerNode({ db: t.db, redis: api.redis, queue: api.queue, logger: quietLogger(), publicGatewayUrl: 'http://127.0.0.1:1', allowedModelHosts: NO_ALLOWED_HOSTS, secrets: testSecrets }, admin, input);
    await t.db.node.updateMany({ where: { name: { not: nodeName } }, data: { cordoned: true } });

    // No DOCKER_HOST, address, ports or slots of its own: all of it comes from the registration.
    const worker = await spawnWorker({
      ...(await childWorkerEnv(nodeName, 'registered-data')),
      NODE_HELPER_IMAGE: helperImage,
      FAKE_LLAMA_LOAD_MS: '150',
      SERVERS_ON_SHUTDOWN: 'stop',
    });
    try {
      const node = await waitFor(
        'the worker to connect to the registered node',
        async () => {
          const row = await t.db.node.findUnique({ where: { name: nodeName } });
          return row?.status === 'ready' && row.heartbeatAt ? row : undefined;
        },
        30_000,
        async () => worker.output.join(''),
      );
      expect(node).toMatchObject({ runtimeKind: 'docker', dockerEndpoint: tcp.url, portRangeStart: portStart, portRangeEnd: portEnd, cpuSlots: 1 });
      expect(worker.output.join('')).toContain('node registered by an admin: using its Docker endpoint');

      // Another program holds the first port of the range. A remote engine's ports are known only on its host, so the
      // forwarder finds out when it cannot bind, and the deployment moves to the next port instead of failing.
      const squatter = await holdPort(portStart);
      const row = await createDeployment(t.db, orgId);
      await api.sync(row.id);
      const running = await waitForStatus(t.db, row.id, 'running', 45_000)
        .catch(async (error: Error) => {
          throw new Error(`${error.message}\n--- worker ---\n${worker.output.join('')}`);
        })
        .finally(() => squatter.close());
      expect(serverOf(running).nodeId).toBe(node.id);
      expect(serverOf(running).port).toBe(portStart + 1);
      const moves = await t.db.deploymentEvent.findMany({ where: { deploymentId: row.id, type: 'port' } });
      expect(moves.map((e) => e.message)).toEqual([`port ${portStart} is in use by another program on the node; using port ${portStart + 1}`]);
      const [server] = await containersOf(row.id);
      expect(server?.State).toBe('running');
      expect((await docker.getContainer(server!.Id).inspect()).HostConfig.NetworkMode).toBe('none');
      // Its port is served on the node by a forwarder container: the server's user, no capabilities, its directory read-only.
      const forwarder = await docker.getContainer(`${serverName({ deploymentId: row.id, serverId: serverOf(running).id, generation: 1 })}-forward`).inspect();
      expect(forwarder.State.Running).toBe(true);
      expect(forwarder.Config.User).toBe('65534:65534');
      expect(forwarder.HostConfig).toMatchObject({ NetworkMode: 'host', CapDrop: ['ALL'], ReadonlyRootfs: true });
      expect(forwarder.Mounts.map((m) => [m.Destination, m.RW])).toEqual([['/run/llama', false]]);
      expect((await callUpstream(running, '/health')).status).toBe(200);
      expect((await callUpstream(running, '/props')).status).toBe(200);
      // The node's library was read on that host, through the helper.
      expect((await t.db.node.findUniqueOrThrow({ where: { id: node.id } })).library).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'tiny-q4_0.gguf' })]));
      // The engine refuses a client without the registered certificate.
      await expect(new DockerRuntime({ ...runtimeOptions('probe'), endpoint: { url: tcp.url, tlsVerify: true } }).ping()).rejects.toThrow();
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
      await t.db.node.updateMany({ data: { cordoned: false } });
    }
  });
});
