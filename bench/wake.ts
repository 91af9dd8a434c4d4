/**
 * Wake overhead of scale to zero (issue 11): the time from the first request held for a sleeping
 * deployment to the first byte of its answer, minus llama-server's own load time.
 *
 *   npx tsx bench/wake.ts [--runs 5] [--load-ms 2000]
 *
 * One deployment with replicas.min 0 and scale_down_after_s 1 (set in the row), a real worker on the
 * process runtime in this process (default timing, as worker-overhead.ts runs it) and the gateway as
 * `npm start` ships it (the bundle, built here) in a process of its own, on a PostgreSQL and Redis of
 * the benchmark's own. llama-server is the fake from packages/testkit, loading its "model" in --load-ms.
 * Each run waits until the deployment is `sleeping` with no node, sends one streamed chat completion
 * through the gateway (raw fetch) and times it to the first byte of real data (the `: waking` SSE comments
 * the gateway sends while it holds the request are skipped); then the same request again, now that it
 * runs: the warm reference. Not a test: it prints a report. Traffic goes to 127.0.0.1 only.
 *
 * llama-server's own time is the worker's: its process start to its first 200 on /health (`loadMs` of
 * the starting → running event), so the readiness probe's poll interval counts as llama-server's time.
 * Event times are Postgres's clock, request times this process's: the same machine's clock.
 * Beside it, before each wake, the same executable is started directly and polled every 5 ms
 * (wake-timing.ts), which shows how much of the recorded load time is the probe's back-off.
 * p90 of a handful of runs is their maximum.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, newId, SECRET_COLUMNS, SecretBox, secretLocation } from '@gguf/core';
import { createDatabase } from '@gguf/db';
import { closeRedis, createDeploymentQueue, createRedis, enqueueDeploymentSync } from '@gguf/redis';
import { ProcessRuntime, resolveServerUser } from '@gguf/runtime';
import { fakeLlamaServerExecutable } from '@gguf/testkit/docker';
import { startWorker } from '../apps/worker/src/worker';
import { BENCH_MODEL, benchModelStore } from './bench-library';
import { BenchProcesses } from './bench-processes';
import { startBenchServices } from './bench-services';
import { fmt, quantile, seedBenchOrg, startShippedGateway } from './bench-stack';
import { SECRETS_KEY } from './gateway-seed';
import { timeToFirstData, timeToReady } from './wake-timing';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'load-ms': { type: 'string', default: '2000' },
    // Keep the temporary directory (the gateway's log) for inspection.
    keep: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const loadMs = values['load-ms'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const root = await mkdtemp(join(tmpdir(), 'gguf-bench-wake-'));
// PostgreSQL runs as its own user when we are root and must reach its directory.
await chmod(root, 0o755);
const log = await open(join(root, 'processes.log'), 'a');
const processes = new BenchProcesses(root, log.fd);
const stops: (() => Promise<unknown>)[] = [];
try {
  const { postgresUrl, redisUrl } = await startBenchServices(root, stops);
  const db = createDatabase(postgresUrl, { poolSize: 5 });
  stops.unshift(() => db.$disconnect());

  const { models, stateDir, modelFile } = await benchModelStore(root);
  const binary = await fakeLlamaServerExecutable(join(root, 'bin'));
  const serverUser = resolveServerUser(undefined);
  // The gateway opens the deployment's sealed upstream secret with the same key the worker uses.
  const secrets = new SecretBox({ current: SECRETS_KEY });
  const worker = await startWorker({
    db,
    redisUrl,
    logger: createLogger('bench', 'warn'),
    secrets,
    node: { name: 'bench-node', address: '127.0.0.1', networkMode: 'none', portRange: [23000, 23999], cpuSlots: 1, cpuCores: 2, gpus: [], runtimeKind: 'process' },
    runtime: (nodeId) => new ProcessRuntime({ nodeId, binary, stateDir, bindHost: '127.0.0.1', env: { FAKE_LLAMA_LOAD_MS: loadMs }, serverUser }),
    models: () => models,
  });
  stops.unshift(() => worker.stop());

  // The gateway as it ships: the bundle `npm start` runs.
  const gateway = await startShippedGateway(root, processes, { postgresUrl, redisUrl });
  stops.unshift(() => processes.stopAll());

  const redis = createRedis(redisUrl, 'bench-api');
  const queue = createDeploymentQueue(redis);
  stops.unshift(async () => {
    await queue.close();
    await closeRedis(redis);
  });
  const { orgId, key } = await seedBenchOrg(db);

  const id = newId('deployment');
  await db.deployment.create({
    data: {
      id,
      orgId,
      name: 'bench-wake',
      modelName: 'bench-wake',
      modelSource: 'local',
      modelPath: BENCH_MODEL,
      gpuCount: 0,
      replicasMin: 0,
      scaleDownAfterS: 1,
      upstreamSecret: secrets.seal(randomBytes(24).toString('base64url'), secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, id)),
    },
  });
  await enqueueDeploymentSync(queue, { deploymentId: id, generation: 1, desiredState: 'running', reason: 'bench' });
  const url = `${gateway}/api/gguf/${id}/v1/chat/completions`;

  const waitUntil = async (what: string, check: () => Promise<boolean>) => {
    const until = Date.now() + 120_000;
    while (!(await check())) {
      if (Date.now() > until) throw new Error(`${id} did not become ${what} within 120 s`);
      await sleep(20);
    }
  };
  const status = () => db.deployment.findUniqueOrThrow({ where: { id }, select: { status: true, statusMessage: true, _count: { select: { servers: true } } } });
  await waitUntil('running', async () => (await status()).status === 'running');
  // One request while it runs, so the gateway's caches (key, deployment) and connections are warm for every run alike.
  await timeToFirstData(url, key);

  const rows: {
    wake: number;
    server: number;
    overhead: number;
    direct: number;
    probeLag: number;
    overheadVsDirect: number;
    warm: number;
    ratio: number;
    toPending: number;
    toStarting: number;
    toRunning: number;
    toSpawn: number;
    toCommit: number;
    toFirstByte: number;
    comments: number;
  }[] = [];
  for (let i = 0; i < runs; i++) {
    await waitUntil('sleeping with no node', async () => {
      const row = await status();
      if (row.status === 'failed') throw new Error(`deployment failed: ${row.statusMessage}`);
      return row.status === 'sleeping' && row._count.servers === 0;
    });
    // llama-server's load time without the worker's probe, while the deployment sleeps (nothing else runs then).
    const direct = await timeToReady(binary, modelFile, { FAKE_LLAMA_LOAD_MS: loadMs });
    const before = await db.deploymentEvent.findFirst({ where: { deploymentId: id }, orderBy: { id: 'desc' }, select: { id: true } });
    const cold = await timeToFirstData(url, key);
    const warm = await timeToFirstData(url, key);

    const events = await db.deploymentEvent.findMany({ where: { deploymentId: id, type: 'status', id: { gt: before?.id ?? 0n } }, orderBy: { id: 'asc' } });
    const at = (to: string) => {
      const event = events.find((e) => e.toStatus === to);
      if (!event) throw new Error(`no event to ${to} after the wake: ${events.map((e) => `${e.fromStatus}→${e.toStatus}`).join(', ')}`);
      return event;
    };
    const pending = at('pending').createdAt.getTime();
    const starting = at('starting').createdAt.getTime();
    const running = at('running');
    const { loadMs: server, serverStartedAt, serverReadyAt } = running.data as { loadMs: number; serverStartedAt: string; serverReadyAt: string };
    const wake = cold.firstAt - cold.sentAt;
    const warmTtfb = warm.firstAt - warm.sentAt;
    const row = {
      wake,
      server,
      overhead: wake - server,
      direct,
      probeLag: server - direct,
      overheadVsDirect: wake - direct,
      warm: warmTtfb,
      ratio: wake / (server + warmTtfb),
      toPending: pending - cold.sentAt,
      toStarting: starting - pending,
      toRunning: running.createdAt.getTime() - starting,
      // starting → running split: the worker starts the process, llama-server loads, the worker writes `running`.
      toSpawn: new Date(serverStartedAt).getTime() - starting,
      toCommit: running.createdAt.getTime() - new Date(serverReadyAt).getTime(),
      toFirstByte: cold.firstAt - running.createdAt.getTime(),
      comments: cold.comments,
    };
    rows.push(row);
    process.stdout.write(
      `  ${String(i + 1).padStart(2)}: first byte ${fmt(wake)}, llama-server ${fmt(server)}, overhead ${fmt(row.overhead)} (alone ${fmt(direct)}), warm ${fmt(warmTtfb)}, ratio ${row.ratio.toFixed(2)}× ` +
        `(→pending ${fmt(row.toPending)}, →starting ${fmt(row.toStarting)}, →running ${fmt(row.toRunning)} [spawn ${fmt(row.toSpawn)}, commit ${fmt(row.toCommit)}], →first byte ${fmt(row.toFirstByte)}; ${row.comments} comment)\n`,
    );
  }

  const col = (k: keyof (typeof rows)[number]) => rows.map((r) => r[k]);
  const line = (label: string, k: keyof (typeof rows)[number]) =>
    process.stdout.write(`  ${label.padEnd(38)} p50 ${fmt(quantile(col(k), 0.5)).padStart(8)}  p90 ${fmt(quantile(col(k), 0.9)).padStart(8)}\n`);
  process.stdout.write(`\nwake overhead, process runtime, ${runs} wakes, llama-server load ${loadMs} ms, gateway bundle\n`);
  line('held request → first byte (wake)', 'wake');
  line('llama-server start → 200', 'server');
  line('overhead (difference)', 'overhead');
  line('  request → sleeping→pending', 'toPending');
  line('  pending → starting', 'toStarting');
  line('  starting → running', 'toRunning');
  line('    starting → process started', 'toSpawn');
  line('    /health 200 → running written', 'toCommit');
  line('  running → first byte at client', 'toFirstByte');
  line('llama-server alone, 5 ms poll', 'direct');
  line('  worker-recorded − alone (probe lag)', 'probeLag');
  line('first byte − llama-server alone', 'overheadVsDirect');
  line('warm reference: running, first byte', 'warm');
  process.stdout.write(`  ${'ratio wake ÷ (load + warm first byte)'.padEnd(38)} p50 ${quantile(col('ratio'), 0.5).toFixed(2)}×  p90 ${quantile(col('ratio'), 0.9).toFixed(2)}×\n`);

  // Leave nothing running.
  await db.deployment.update({ where: { id }, data: { desiredState: 'deleted' } });
  const { generation } = await db.deployment.findUniqueOrThrow({ where: { id }, select: { generation: true } });
  await enqueueDeploymentSync(queue, { deploymentId: id, generation, desiredState: 'deleted', reason: 'bench done' });
  await waitUntil('deleted', async () => (await status()).status === 'deleted');
} finally {
  for (const stop of stops) await stop().catch(() => undefined);
  await log.close();
  if (values.keep) process.stdout.write(`kept ${root}\n`);
  else await rm(root, { recursive: true, force: true });
}
