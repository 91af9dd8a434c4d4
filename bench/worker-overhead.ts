/**
 * Control-plane overhead of the worker: for each deployment, the time from the API call (the row
 * is inserted and deployment.sync enqueued, as the REST API does) to `running`, minus the time
 * llama-server itself took from process/container start to answering /health with 200.
 *
 *   npx tsx bench/worker-overhead.ts [--runtime process|docker] [--count 20] [--load-ms 500]
 *
 * Provisions its own PostgreSQL and Redis (like the test suite) and, for --runtime docker, a
 * private dockerd with the locally built fake llama-server image (see packages/testkit/src/docker).
 * llama-server is the fake from packages/testkit, loading its "model" in --load-ms. Not a test:
 * it prints a report.
 *
 * Clocks: the API call and `running` are timestamps of the same Postgres (the deployment's
 * created_at and the starting→running event); llama-server's own time is measured by the worker
 * (start of the process/container to the first 200 from /health), so the poll interval of the
 * readiness probe (25 ms growing to 250 ms) counts as llama-server's time, not as overhead.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, newId, SECRET_COLUMNS, SecretBox, secretLocation } from '@gguf/core';
import { createDatabase } from '@gguf/db';
import { applyMigrations } from '@gguf/db/migrate';
import { freePort, startLocalPostgres, startLocalRedis } from '@gguf/local-services';
import { closeRedis, createDeploymentQueue, createRedis, enqueueDeploymentSync } from '@gguf/redis';
import { DockerRuntime, ProcessRuntime, resolveServerUser, type Runtime } from '@gguf/runtime';
import { buildFakeLlamaServerImage, fakeLlamaServerExecutable, startTestDocker, type TestDockerDaemon } from '@gguf/testkit/docker';
import { startWorker } from '../apps/worker/src/worker';
import { BENCH_MODEL, benchModelStore } from './bench-library';
import { fmt, quantile } from './bench-stack';

const { values } = parseArgs({
  options: {
    runtime: { type: 'string', default: 'process' },
    count: { type: 'string', default: '20' },
    'load-ms': { type: 'string', default: '500' },
  },
});
const runtimeKind = values.runtime === 'docker' ? 'docker' : 'process';
const count = Number(values.count);
const loadMs = values['load-ms'];


const root = await mkdtemp(join(tmpdir(), 'gguf-bench-worker-'));
await chmod(root, 0o755);
let daemon: TestDockerDaemon | undefined;
const stops: (() => Promise<unknown>)[] = [];
try {
  const [pgPort, redisPort] = [await freePort(), await freePort()];
  const postgres = await startLocalPostgres({ dataDir: join(root, 'pg'), port: pgPort, password: 'bench', database: 'bench', ephemeral: true });
  stops.push(() => postgres.stop());
  const redisServer = await startLocalRedis({ dataDir: join(root, 'redis'), port: redisPort });
  stops.push(() => redisServer.stop());
  await applyMigrations(postgres.url);
  const db = createDatabase(postgres.url, { poolSize: 10 });
  stops.unshift(() => db.$disconnect());

  const { models, stateDir } = await benchModelStore(root);
  const serverUser = resolveServerUser(undefined);
  const serverEnv = { FAKE_LLAMA_LOAD_MS: loadMs };
  let makeRuntime: (nodeId: string) => Runtime;
  if (runtimeKind === 'docker') {
    daemon = await startTestDocker();
    const image = await buildFakeLlamaServerImage(daemon);
    const host = daemon.host;
    makeRuntime = (nodeId) =>
      new DockerRuntime({ endpoint: { url: host }, nodeId, images: { gpu: image, cpu: image }, networkMode: 'none', bindHost: '127.0.0.1', serversDir: join(stateDir, 'run'), serverUser, env: serverEnv, pidsLimit: 512 });
  } else {
    const binary = await fakeLlamaServerExecutable(join(root, 'bin'));
    makeRuntime = (nodeId) => new ProcessRuntime({ nodeId, binary, stateDir, bindHost: '127.0.0.1', env: serverEnv, serverUser });
  }

  // Upstream secrets are stored sealed, as the REST API stores them; the worker opens them.
  const secrets = new SecretBox({ current: randomBytes(32).toString('base64url') });
  const worker = await startWorker({
    db,
    redisUrl: redisServer.url,
    logger: createLogger('bench', 'warn'),
    secrets,
    node: { name: 'bench-node', address: '127.0.0.1', networkMode: 'none', portRange: [23000, 23999], cpuSlots: count + 1, cpuCores: 2, gpus: [], runtimeKind },
    runtime: makeRuntime,
    models: () => models,
  });
  stops.unshift(() => worker.stop());

  const redis = createRedis(redisServer.url, 'bench-api');
  const queue = createDeploymentQueue(redis);
  stops.unshift(async () => {
    await queue.close();
    await closeRedis(redis);
  });
  const orgId = newId('organization');
  await db.organization.create({ data: { id: orgId, name: 'Bench', slug: 'bench' } });

  const rows: { total: number; server: number; overhead: number; placed: number; started: number; committed: number }[] = [];
  for (let i = 0; i < count; i++) {
    const id = newId('deployment');
    // The API call: insert the row, enqueue the sync.
    const created = await db.deployment.create({
      data: {
        id,
        orgId,
        name: `bench-${i}`,
        modelName: `bench-${i}`,
        modelSource: 'local',
        modelPath: BENCH_MODEL,
        gpuCount: 0,
        upstreamSecret: secrets.seal(randomBytes(24).toString('base64url'), secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, id)),
      },
    });
    await enqueueDeploymentSync(queue, { deploymentId: id, generation: 1, desiredState: 'running', reason: 'bench' });
    for (;;) {
      const row = await db.deployment.findUniqueOrThrow({ where: { id }, select: { status: true, statusMessage: true } });
      if (row.status === 'running') break;
      if (row.status === 'failed') throw new Error(`deployment failed: ${row.statusMessage}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const events = await db.deploymentEvent.findMany({ where: { deploymentId: id }, orderBy: { id: 'asc' } });
    const running = events.find((e) => e.toStatus === 'running')!;
    const placed = events.find((e) => e.toStatus === 'scheduling')!;
    const data = running.data as { loadMs: number; serverStartedAt: string; serverReadyAt: string };
    const total = running.createdAt.getTime() - created.createdAt.getTime();
    rows.push({
      total,
      server: data.loadMs,
      overhead: total - data.loadMs,
      placed: placed.createdAt.getTime() - created.createdAt.getTime(),
      started: new Date(data.serverStartedAt).getTime() - created.createdAt.getTime(),
      committed: running.createdAt.getTime() - new Date(data.serverReadyAt).getTime(),
    });
    process.stdout.write(`  ${String(i + 1).padStart(2)}: total ${fmt(total)}, llama-server ${fmt(data.loadMs)}, overhead ${fmt(total - data.loadMs)}\n`);
  }

  const col = (k: keyof (typeof rows)[number]) => rows.map((r) => r[k]);
  process.stdout.write(`\nworker control-plane overhead, ${runtimeKind} runtime, ${count} deployments, llama-server load ${loadMs} ms\n`);
  process.stdout.write(`  API call → running        p50 ${fmt(quantile(col('total'), 0.5))}  p90 ${fmt(quantile(col('total'), 0.9))}\n`);
  process.stdout.write(`  llama-server start → 200  p50 ${fmt(quantile(col('server'), 0.5))}\n`);
  process.stdout.write(`  overhead (difference)     p50 ${fmt(quantile(col('overhead'), 0.5))}  p90 ${fmt(quantile(col('overhead'), 0.9))}\n`);
  process.stdout.write(`    API call → placed        p50 ${fmt(quantile(col('placed'), 0.5))}\n`);
  process.stdout.write(`    API call → server start  p50 ${fmt(quantile(col('started'), 0.5))}\n`);
  process.stdout.write(`    ready → running written  p50 ${fmt(quantile(col('committed'), 0.5))}\n`);

  // Leave nothing running.
  for (const d of await db.deployment.findMany({ select: { id: true } })) {
    await db.deployment.update({ where: { id: d.id }, data: { desiredState: 'deleted' } });
    await enqueueDeploymentSync(queue, { deploymentId: d.id, generation: 1, desiredState: 'deleted', reason: 'bench done' });
  }
  for (;;) {
    if ((await db.deployment.count({ where: { status: { not: 'deleted' } } })) === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
} finally {
  for (const stop of stops) await stop().catch(() => undefined);
  await daemon?.stop();
  await rm(root, { recursive: true, force: true });
}
