import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, type DeploymentStatus, generateApiKey, newId, SECRET_COLUMNS, secretLocation } from '@gguf/core';
import type { Database, Deployment, Prisma, Server as DbServer } from '@gguf/db';
import { createServer, type Server } from 'node:net';
import { closeRedis, createDeploymentQueue, createRedis, enqueueDeploymentSync, readDeploymentLogs, type Redis } from '@gguf/redis';
import type { Runtime } from '@gguf/runtime';
import { testEnv, testSecrets } from '@gguf/testkit';
import { HOSTILE_MARKER, HOSTILE_REPORT, type HostilePlan, type HostileReport } from '@gguf/testkit/fake-llama-server';
import type { Queue } from 'bullmq';
import { type GatewayProcess, startGatewayProcess } from '../../gateway/src/test/gateway-process';
import type { NodeSettings } from '../src/context';
import type { Timing } from '../src/env';
import { ModelStore, type ModelStoreOptions } from '../src/models/model-store';
import { startWorker, type WorkerHandle } from '../src/worker';

/**
 * Redis for one test file: its own logical database, flushed first, so the queues of test files
 * running side by side (and of other apps' tests) never see each other's jobs.
 */
export async function testRedisUrl(database: number): Promise<string> {
  const url = new URL(testEnv('redisUrl'));
  url.pathname = `/${database}`;
  const redis = createRedis(url.toString(), 'test-flush');
  await redis.flushdb();
  await closeRedis(redis);
  return url.toString();
}

/** Short everything: the suite runs on two cores. */
export const FAST_TIMING: Partial<Timing> = {
  reconcileIntervalMs: 400,
  heartbeatIntervalMs: 300,
  nodeStaleAfterMs: 8_000,
  readyTimeoutMs: 20_000,
  stopTimeoutMs: 3_000,
  restartBackoffMs: 200,
  restartBackoffMaxMs: 800,
  crashLoopLimit: 3,
  crashResetAfterMs: 60_000,
  jobLockMs: 3_000,
  jobConcurrency: 4,
};

export function nodeSettings(overrides: Partial<NodeSettings> = {}): NodeSettings {
  return {
    name: `node-${randomBytes(3).toString('hex')}`,
    address: '127.0.0.1',
    networkMode: 'host',
    portRange: randomPortRange(),
    cpuSlots: 4,
    cpuCores: 4,
    gpus: [],
    runtimeKind: 'process',
    ...overrides,
  };
}

/** A port range unlikely to collide with parallel test files. */
/** Ranges stay below Linux's ephemeral ports (32768 and up), which any client socket on the machine may hold. */
export function randomPortRange(size = 40): [number, number] {
  const start = 21_000 + Math.floor(Math.random() * 230) * 50;
  return [start, start + size - 1];
}

/** A program outside GGUF Cloud listening on `port` of the node; it hangs up on whoever connects, so closing it never waits. */
export async function holdPort(port: number): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return server;
}

export const quietLogger = () => createLogger('worker-test', (process.env.TEST_LOG_LEVEL as 'info' | undefined) ?? 'silent');

/** The library model every test deployment uses unless it says otherwise (`/v1/models` calls it tiny-q4_0). */
export const TEST_MODEL = 'tiny-q4_0.gguf';

/** Bytes that pass for a GGUF file: the magic, version 3, then filler. */
export function ggufBytes(size = 64): Buffer {
  const bytes = Buffer.alloc(Math.max(8, size), 0x2a);
  bytes.write('GGUF', 0, 'ascii');
  bytes.writeUInt32LE(3, 4);
  return bytes;
}

/** Puts a model file in the node's library (MODELS_DIR/library), readable by the servers' user. */
export async function putLibraryModel(modelsDir: string, path = TEST_MODEL, content: Buffer = ggufBytes()): Promise<string> {
  const file = join(modelsDir, 'library', path);
  await mkdir(dirname(file), { recursive: true, mode: 0o755 });
  await writeFile(file, content, { mode: 0o644 });
  return file;
}

/** A model file whose "code" attacks the node once loaded (see the fake llama-server's hostile-model.ts). */
export function hostileModel(plan: HostilePlan): Buffer {
  return Buffer.concat([ggufBytes(64), Buffer.from(`\n${HOSTILE_MARKER}${JSON.stringify(plan)}\n`)]);
}

/** What the hostile server reported having achieved, read from its captured output. */
export async function hostileReport(redisUrl: string, deploymentId: string): Promise<HostileReport> {
  const redis = createRedis(redisUrl, 'test-hostile');
  try {
    const line = await waitFor('the hostile server to report', async () => (await readDeploymentLogs(redis, deploymentId, 500)).find((l) => l.includes(HOSTILE_REPORT)), 20_000);
    return JSON.parse(line.slice(line.indexOf(HOSTILE_REPORT) + HOSTILE_REPORT.length)) as HostileReport;
  } finally {
    await closeRedis(redis);
  }
}

/** A TCP server on loopback that only counts who connects: a compromised server must never reach it. */
export async function sentinel(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Ports of the suite's Postgres and Redis: what a compromised server would go for first. */
export function servicePorts(databaseUrl: string, redisUrl: string): { postgres: number; redis: number } {
  return { postgres: Number(new URL(databaseUrl).port), redis: Number(new URL(redisUrl).port) };
}

/**
 * A test root directory servers can reach: mkdtemp makes it 0700, but servers run as another
 * user (nobody) when the tests run as root.
 */
export async function traversable(dir: string): Promise<string> {
  await chmod(dir, 0o755);
  return dir;
}

/** The node's models for a test worker: the library holds TEST_MODEL; downloads go nowhere unless a hub is given. */
export async function testModelStore(modelsDir: string, stateDir: string, options: Partial<ModelStoreOptions> = {}): Promise<ModelStore> {
  await putLibraryModel(modelsDir);
  return new ModelStore({
    modelsDir,
    checksumsDir: join(stateDir, 'checksums'),
    hfEndpoint: 'https://hub.invalid',
    allow: { names: new Set(), ranges: [] },
    maxBytes: 1024 ** 3,
    hfToken: async () => undefined,
    ...options,
  });
}

export async function startTestWorker(options: {
  db: Database;
  redisUrl: string;
  node: NodeSettings;
  runtime: (nodeId: string) => Runtime;
  models: ModelStore;
  timing?: Partial<Timing>;
  serversOnShutdown?: 'keep' | 'stop';
}): Promise<WorkerHandle> {
  const models = options.models;
  return startWorker({ ...options, models: () => models, logger: quietLogger(), secrets: testSecrets, timing: { ...FAST_TIMING, ...options.timing } });
}

/** An unrestricted API key of the organization, for tests that call a gateway; returns the key itself. */
export async function createApiKey(db: Database, orgId: string): Promise<string> {
  const issued = generateApiKey();
  await db.apiKey.create({ data: { id: newId('apiKey'), orgId, name: 'e2e', prefix: issued.prefix, hash: issued.hash } });
  return issued.key;
}

/** Tests run as root in CI: servers then run as nobody, as SERVER_USER's default says. */
export const testServerUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;

/** A real gateway process on the test's database and Redis (its own rate-limit prefix), with more settings. */
export function startTestGateway(databaseUrl: string, redisUrl: string, settings: Record<string, string> = {}): Promise<GatewayProcess> {
  const env = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, GATEWAY_RATE_LIMIT_PREFIX: `test:${randomBytes(4).toString('hex')}` };
  return startGatewayProcess(env as Parameters<typeof startGatewayProcess>[0], settings);
}

export async function createOrg(db: Database): Promise<string> {
  const id = newId('organization');
  await db.organization.create({ data: { id, name: 'Test org', slug: `org-${id.slice(-10)}` } });
  return id;
}

/** A deployment row as the REST API creates it: pending, desired running, generation 1, with a random upstream secret, sealed. */
export async function createDeployment(db: Database, orgId: string, overrides: Partial<Prisma.DeploymentUncheckedCreateInput> = {}): Promise<Deployment> {
  const id = newId('deployment');
  return db.deployment.create({
    data: {
      id,
      orgId,
      name: 'test',
      modelName: `test-${id.slice(-8)}`,
      modelSource: 'local',
      modelPath: TEST_MODEL,
      gpuCount: 0,
      contextSize: 2048,
      upstreamSecret: testSecrets.seal(randomBytes(24).toString('base64url'), secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, id)),
      ...overrides,
    },
  });
}

export class Api {
  readonly queue: Queue;
  readonly redis: Redis;

  constructor(
    private readonly db: Database,
    redisUrl: string,
  ) {
    this.redis = createRedis(redisUrl, 'test-api');
    this.queue = createDeploymentQueue(this.redis);
  }

  /** What the REST API does on create / start / stop / restart / delete: change the row, then enqueue a sync. */
  async sync(id: string, reason = 'test'): Promise<void> {
    const row = await this.db.deployment.findUniqueOrThrow({ where: { id } });
    await enqueueDeploymentSync(this.queue, { deploymentId: id, generation: row.generation, desiredState: row.desiredState, reason });
  }

  async setDesired(id: string, desiredState: 'running' | 'stopped' | 'deleted', bumpGeneration = false): Promise<void> {
    await this.db.deployment.update({ where: { id }, data: { desiredState, ...(bumpGeneration ? { generation: { increment: 1 } } : {}) } });
    await this.sync(id, `set ${desiredState}`);
  }

  async close(): Promise<void> {
    await this.queue.close();
    await closeRedis(this.redis);
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000, describe?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${describe ? `\n${await describe()}` : ''}`);
    await sleep(50);
  }
}

export async function describeDeployment(db: Database, id: string): Promise<string> {
  const row = await db.deployment.findUnique({ where: { id }, include: { servers: true } });
  const events = await db.deploymentEvent.findMany({ where: { deploymentId: id }, orderBy: { id: 'asc' } });
  return [
    `deployment ${id}: status=${row?.status} desired=${row?.desiredState} gen=${row?.generation} wanted=${row?.replicasWanted} failedGen=${row?.failedGeneration} message="${row?.statusMessage}"`,
    ...(row?.servers ?? []).map((s) => `  server ${s.id}: ${s.status} gen=${s.generation} node=${s.nodeId} port=${s.port} restarts=${s.restartCount} "${s.statusMessage}"`),
    ...events.map((e) => `  ${e.createdAt.toISOString()} ${e.type} ${e.fromStatus ?? ''}→${e.toStatus ?? ''} ${e.message}`),
  ].join('\n');
}

/** A deployment with its servers, oldest first. */
export type DeploymentWithServers = Deployment & { servers: DbServer[] };

/** Read in one snapshot: Prisma reads the servers with a query of their own, which a change may land between. */
export function withServers(db: Database, id: string): Promise<DeploymentWithServers | null> {
  return db.$transaction((tx) => tx.deployment.findUnique({ where: { id }, include: { servers: { orderBy: { createdAt: 'asc' } } } }), { isolationLevel: 'RepeatableRead' });
}

/** The deployment's one server (these tests run one per deployment unless they say otherwise). */
export function serverOf(row: DeploymentWithServers): DbServer {
  const [server] = row.servers;
  if (!server) throw new Error(`deployment ${row.id} (${row.status}) has no server`);
  return server;
}

export function waitForStatus(db: Database, id: string, status: DeploymentStatus, timeoutMs = 15_000): Promise<DeploymentWithServers> {
  return waitFor(
    `deployment ${id} to be ${status}`,
    async () => {
      const row = await withServers(db, id);
      return row?.status === status ? row : undefined;
    },
    timeoutMs,
    () => describeDeployment(db, id),
  );
}

/** The deployment's internal key, opened as the gateway and the worker open it. */
export function upstreamSecretOf(row: Deployment): string {
  return testSecrets.open(row.upstreamSecret, secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, row.id));
}

/** GET with the deployment's internal key, as the gateway calls it. */
export async function callUpstream(row: DeploymentWithServers, path: string, key: string | null = upstreamSecretOf(row)): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${serverOf(row).upstreamUrl}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}
