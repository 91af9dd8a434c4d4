/**
 * Failover (issue 11): the latency added to requests whose llama-server died under them.
 *
 *   npx tsx bench/failover.ts [--seconds 10] [--concurrency 4] [--load-ms 1000] [--token-delay-ms 15]
 *
 * One deployment (replicas.min 1), a real worker on the process runtime in this process (default timing, as
 * shipped: its restart backoff included) and the gateway as `npm start` ships it (the bundle, built here) in a
 * process of its own, on a PostgreSQL and Redis of the benchmark's own; llama-server is the fake from
 * packages/testkit. `--concurrency` loops send non-streamed chat completions for `--seconds`; at a third of the
 * way the server is killed (SIGKILL) and the worker restarts it. Requests are grouped by when they ran:
 * in flight at the kill (their upstream failed before answering: the gateway retried them), sent while the
 * deployment was down (held without a try), and the rest. Reported: each group's latency, and what the retried
 * ones added over the p99 of the rest in the same run, beside the restart's own parts from the worker's events.
 * Not a test: it prints a report. Traffic goes to 127.0.0.1 only.
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

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '4' },
    'load-ms': { type: 'string', default: '1000' },
    'token-delay-ms': { type: 'string', default: '15' },
  },
});
const durationMs = Number(values.seconds) * 1000;
const concurrency = Number(values.concurrency);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const root = await mkdtemp(join(tmpdir(), 'gguf-bench-failover-'));
// PostgreSQL runs as its own user when we are root and must reach its directory.
await chmod(root, 0o755);
const log = await open(join(root, 'processes.log'), 'a');
const processes = new BenchProcesses(root, log.fd);
const stops: (() => Promise<unknown>)[] = [];
try {
  const { postgresUrl, redisUrl } = await startBenchServices(root, stops);
  const db = createDatabase(postgresUrl, { poolSize: 5 });
  stops.unshift(() => db.$disconnect());
  const { models, stateDir } = await benchModelStore(root);
  const binary = await fakeLlamaServerExecutable(join(root, 'bin'));
  const secrets = new SecretBox({ current: SECRETS_KEY });
  const worker = await startWorker({
    db,
    redisUrl,
    logger: createLogger('bench', 'warn'),
    secrets,
    node: { name: 'bench-node', address: '127.0.0.1', networkMode: 'none', portRange: [23000, 23999], cpuSlots: 1, cpuCores: 2, gpus: [], runtimeKind: 'process' },
    runtime: (nodeId) =>
      new ProcessRuntime({ nodeId, binary, stateDir, bindHost: '127.0.0.1', env: { FAKE_LLAMA_LOAD_MS: values['load-ms'], FAKE_LLAMA_TOKEN_DELAY_MS: values['token-delay-ms'] }, serverUser: resolveServerUser(undefined) }),
    models: () => models,
  });
  stops.unshift(() => worker.stop());

  // The gateway as it ships: the bundle `npm start` runs.
  const gateway = await startShippedGateway(root, processes, { postgresUrl, redisUrl }, { GATEWAY_KEY_RPM: '0', GATEWAY_ORG_RPM: '0' });
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
      name: 'bench-failover',
      modelName: 'bench-failover',
      modelSource: 'local',
      modelPath: BENCH_MODEL,
      gpuCount: 0,
      upstreamSecret: secrets.seal(randomBytes(24).toString('base64url'), secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, id)),
    },
  });
  await enqueueDeploymentSync(queue, { deploymentId: id, generation: 1, desiredState: 'running', reason: 'bench' });
  const row = () => db.deployment.findUniqueOrThrow({ where: { id }, select: { status: true, statusMessage: true, servers: { select: { status: true, restartCount: true } } } });
  const waitUntil = async (what: string, check: () => Promise<boolean>) => {
    const until = Date.now() + 120_000;
    while (!(await check())) {
      if (Date.now() > until) throw new Error(`${id} did not become ${what} within 120 s`);
      await sleep(20);
    }
  };
  await waitUntil('running', async () => (await row()).status === 'running');

  const url = `${gateway}/api/gguf/${id}/v1/chat/completions`;
  const body = JSON.stringify({ model: 'any', messages: [{ role: 'user', content: 'Say something.' }], max_tokens: 12 });
  const send = async () => {
    const sentAt = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
    await res.arrayBuffer();
    return { sentAt, doneAt: performance.now(), status: res.status };
  };
  // Warm caches and connections alike for every loop.
  for (let i = 0; i < concurrency; i++) await send();

  const results: Awaited<ReturnType<typeof send>>[] = [];
  const started = performance.now();
  let stop = false;
  const loops = Array.from({ length: concurrency }, async () => {
    while (!stop) results.push(await send());
  });
  await sleep(durationMs / 3);
  const [server] = (await worker.runtime.list()).filter((s) => s.deploymentId === id && s.state === 'running');
  if (server?.pid === undefined) throw new Error('no running server to kill');
  const killedAt = performance.now();
  const killedWall = Date.now();
  process.kill(server.pid, 'SIGKILL');
  await waitUntil('running again', async () => {
    const now = await row();
    if (now.status === 'failed') throw new Error(`deployment failed: ${now.statusMessage}`);
    return now.status === 'running' && now.servers[0]?.status === 'ready' && now.servers[0].restartCount === 1;
  });
  const backAt = performance.now();
  await sleep(Math.max(1_000, durationMs - (backAt - started)));
  stop = true;
  await Promise.all(loops);

  const metrics = await (await fetch(`${gateway}/metrics`)).text();
  const retriedCount = [...metrics.matchAll(/^gateway_upstream_retries_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  const latency = (r: (typeof results)[number]) => r.doneAt - r.sentAt;
  const inFlight = results.filter((r) => r.sentAt < killedAt && r.doneAt > killedAt);
  const held = results.filter((r) => r.sentAt >= killedAt && r.sentAt < backAt);
  const rest = results.filter((r) => !inFlight.includes(r) && !held.includes(r));
  const failed = results.filter((r) => r.status !== 200);
  const events = await db.deploymentEvent.findMany({ where: { deploymentId: id, createdAt: { gte: new Date(killedWall - 1_000) } }, orderBy: { id: 'asc' } });
  const exitAt = events.find((e) => e.type === 'exit')?.createdAt.getTime();
  const running = events.find((e) => e.type === 'status' && e.toStatus === 'running');
  const loadMs = (running?.data as { loadMs?: number } | null)?.loadMs;

  const restP99 = quantile(rest.map(latency), 0.99);
  const line = (label: string, xs: number[]) =>
    xs.length === 0
      ? process.stdout.write(`  ${label.padEnd(44)} n    0\n`)
      : process.stdout.write(`  ${label.padEnd(44)} n ${String(xs.length).padStart(4)}  p50 ${fmt(quantile(xs, 0.5)).padStart(8)}  p99 ${fmt(quantile(xs, 0.99)).padStart(8)}  max ${fmt(Math.max(...xs)).padStart(8)}\n`);
  process.stdout.write(`\nfailover, process runtime, ${concurrency} loops for ${values.seconds} s, llama-server load ${values['load-ms']} ms, gateway bundle\n`);
  line('not affected (the rest)', rest.map(latency));
  line('in flight at the kill (retried)', inFlight.map(latency));
  line('sent while it restarted (held)', held.map(latency));
  process.stdout.write(`  ${'retried: p99 added over the rest’s p99'.padEnd(44)} ${fmt(quantile(inFlight.map(latency), 0.99) - restP99)}\n`);
  line('retried: running again → answered', inFlight.map((r) => r.doneAt - backAt));
  process.stdout.write(`  ${'kill → running again (worker)'.padEnd(44)} ${fmt(backAt - killedAt)}\n`);
  if (exitAt !== undefined) process.stdout.write(`  ${'  kill → exit recorded'.padEnd(44)} ${fmt(exitAt - killedWall)}\n`);
  if (loadMs !== undefined) process.stdout.write(`  ${'  llama-server start → 200 (its load)'.padEnd(44)} ${fmt(loadMs)}\n`);
  process.stdout.write(`  ${'gateway retries (metric)'.padEnd(44)} ${retriedCount}\n  ${'non-200 answers'.padEnd(44)} ${failed.length}\n`);

  // Leave nothing running.
  await db.deployment.update({ where: { id }, data: { desiredState: 'deleted' } });
  await enqueueDeploymentSync(queue, { deploymentId: id, generation: 1, desiredState: 'deleted', reason: 'bench done' });
  await waitUntil('deleted', async () => (await row()).status === 'deleted');
} finally {
  for (const stop of stops) await stop().catch(() => undefined);
  await log.close();
  await rm(root, { recursive: true, force: true });
}
