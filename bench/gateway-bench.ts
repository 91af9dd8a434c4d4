// Gateway benchmark: the same fast upstream reached directly, through nginx (proxy_pass with upstream keep-alive),
// through a bare Node proxy (the floor of any Node data plane) and through the gateway as it ships (the bundle
// `npm start` runs; auth, rate limits and metering on, real Postgres and Redis), in one run on one machine.
// Prints requests/s, latency percentiles, streaming time-to-first-byte and event gaps, and the ratios.
//
// usage: npx tsx bench/gateway-bench.ts [--duration 10] [--connections 64] [--moderate 4] [--streams 16] [--interval 5]
// Traffic goes to 127.0.0.1 only. Needs nginx (/usr/sbin/nginx), PostgreSQL and redis-server binaries.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateApiKey, newId, SECRET_COLUMNS, SecretBox, secretLocation } from '@gguf/core';
import { createDatabase } from '@gguf/db';
import { applyMigrations } from '@gguf/db/migrate';
import { freePort, startLocalPostgres, startLocalRedis } from '@gguf/local-services';
import { Pool } from 'undici';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NGINX = '/usr/sbin/nginx';
const UPSTREAM_SECRET = 'upstream-secret';
/** The gateway opens the deployment's sealed upstream secret with it, as in production. */
const SECRETS_KEY = 'bench-secrets-key-0123456789abcdef0123456789';
const EVENTS_PER_STREAM = 16;

const { values: options } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    moderate: { type: 'string', default: '4' },
    // Open-loop request rate for the added-latency measurement: well below every path's capacity.
    rate: { type: 'string', default: '200' },
    streams: { type: 'string', default: '16' },
    interval: { type: 'string', default: '5' },
    // Keep the temporary directory (process, nginx and gateway logs) for inspection.
    keep: { type: 'boolean', default: false },
    // Measure only these paths (comma-separated: direct,nginx,node,gateway); ratios need them all.
    paths: { type: 'string', default: 'direct,nginx,node,gateway' },
    // Extra node flags for the gateway process, e.g. --cpu-prof.
    'gateway-node-flags': { type: 'string', default: '' },
  },
});
const durationMs = Number(options.duration) * 1000;
const connections = Number(options.connections);
const moderate = Number(options.moderate);
const rate = Number(options.rate);
const streamConnections = Number(options.streams);
const eventIntervalMs = Number(options.interval);

interface Target {
  name: 'direct' | 'nginx' | 'node' | 'gateway';
  origin: string;
  path: string;
  headers: Record<string, string>;
}

interface Result {
  requests: number;
  errors: number;
  seconds: number;
  latencies: number[];
  ttfb: number[];
  gaps: number[];
}

const children: ChildProcess[] = [];

function start(command: string, args: string[], env: NodeJS.ProcessEnv, logFd: number): ChildProcess {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', logFd, logFd] });
  children.push(child);
  return child;
}

async function waitUntilAnswering(url: string, deadlineMs = 30_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > until) throw new Error(`${url} did not answer within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);

/**
 * Closed loop: `concurrency` callers each send the next request as soon as the last one finished. With `rate`,
 * open loop instead: requests start on a fixed schedule whatever the answers do, so latency is measured at a
 * load the server can sustain rather than at saturation.
 */
async function load(target: Target, concurrency: number, ms: number, stream: boolean, rate?: number): Promise<Result> {
  const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1 });
  const body = JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'What is the capital of France?' }], max_tokens: 64, stream });
  const headers = { ...target.headers, 'content-type': 'application/json', ...(stream ? { 'x-bench-event-interval-ms': String(eventIntervalMs) } : {}) };
  const result: Result = { requests: 0, errors: 0, seconds: ms / 1000, latencies: [], ttfb: [], gaps: [] };
  const deadline = performance.now() + ms;
  const one = async () => {
    const startedAt = performance.now();
    try {
      const res = await pool.request({ path: target.path, method: 'POST', headers, body });
      let last = 0;
      let events = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        const now = performance.now();
        if (stream) {
          if (last === 0) result.ttfb.push(now - startedAt);
          else result.gaps.push(now - last);
          last = now;
          events += chunk.toString().split('\n\n').length - 1;
        }
      }
      if (res.statusCode !== 200 || (stream && events < EVENTS_PER_STREAM)) result.errors++;
      else {
        result.requests++;
        result.latencies.push(performance.now() - startedAt);
      }
    } catch {
      result.errors++;
    }
  };
  if (rate === undefined) {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) await one();
      }),
    );
  } else {
    const inFlight: Promise<void>[] = [];
    const begin = performance.now();
    for (let sent = 0; performance.now() < deadline; ) {
      const due = Math.floor(((performance.now() - begin) * rate) / 1000);
      for (; sent < due; sent++) inFlight.push(one());
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(inFlight);
  }
  await pool.close();
  for (const list of [result.latencies, result.ttfb, result.gaps]) list.sort((a, b) => a - b);
  return result;
}

function describeMachine(): string {
  // nginx prints its version on stderr.
  const nginx = spawnSync(NGINX, ['-v'], { encoding: 'utf8' }).stderr.trim().replace('nginx version: ', '');
  return `${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ${nginx}`;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gguf-bench-'));
  // PostgreSQL runs as its own user when we are root and must reach its directory.
  await chmod(dir, 0o755);
  const log = await open(join(dir, 'processes.log'), 'a');
  let stopServices: () => Promise<void> = async () => undefined;
  try {
    const [pgPort, redisPort, upstreamPort, nginxPort, nodePort, gatewayPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
    const [postgres, redis] = await Promise.all([
      startLocalPostgres({ dataDir: join(dir, 'postgres'), port: pgPort, password: 'bench', database: 'gguf_bench', ephemeral: true }),
      startLocalRedis({ dataDir: join(dir, 'redis'), port: redisPort }),
    ]);
    stopServices = async () => void (await Promise.allSettled([postgres.stop(), redis.stop()]));
    await applyMigrations(postgres.url);

    const db = createDatabase(postgres.url);
    const orgId = newId('organization');
    const deploymentId = newId('deployment');
    const apiKey = generateApiKey();
    await db.organization.create({ data: { id: orgId, name: 'bench', slug: 'bench' } });
    await db.deployment.create({
      data: {
        id: deploymentId,
        orgId,
        name: 'bench',
        modelSource: 'local',
        modelPath: 'bench.gguf',
        status: 'running',
        upstreamUrl: `http://127.0.0.1:${upstreamPort}`,
        upstreamSecret: new SecretBox({ current: SECRETS_KEY }).seal(UPSTREAM_SECRET, secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, deploymentId)),
      },
    });
    await db.apiKey.create({ data: { id: newId('apiKey'), orgId, name: 'bench', prefix: apiKey.prefix, hash: apiKey.hash } });
    await db.$disconnect();

    start(process.execPath, ['--import', 'tsx', 'bench/gateway-upstream.ts', String(upstreamPort), String(EVENTS_PER_STREAM)], process.env, log.fd);

    const nginxDir = join(dir, 'nginx');
    await mkdir(nginxDir);
    const template = await readFile(join(ROOT, 'bench/gateway-nginx.conf.template'), 'utf8');
    const config = template.replaceAll('{{DIR}}', nginxDir).replaceAll('{{PORT}}', String(nginxPort)).replaceAll('{{UPSTREAM_PORT}}', String(upstreamPort));
    await writeFile(join(nginxDir, 'nginx.conf'), config);
    start(NGINX, ['-p', nginxDir, '-c', join(nginxDir, 'nginx.conf'), '-e', join(nginxDir, 'error.log')], process.env, log.fd);

    start(process.execPath, ['--import', 'tsx', 'bench/bare-node-proxy.ts', String(nodePort), `http://127.0.0.1:${upstreamPort}`], process.env, log.fd);

    // The gateway as it ships: the bundle `npm start` builds and runs, not the TypeScript sources through tsx.
    const build = spawnSync('npm', ['run', 'build', '--silent', '-w', '@gguf/gateway'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('could not build the gateway');
    const limit = '100000000';
    const gatewayFlags = options['gateway-node-flags'].split(' ').filter(Boolean);
    start(process.execPath, [...gatewayFlags, 'apps/gateway/dist/main.js'], {
      ...process.env,
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      SECRETS_KEY,
      GATEWAY_PORT: String(gatewayPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      // Limits are checked and counted, just set too high to refuse anything.
      GATEWAY_KEY_RPM: limit,
      GATEWAY_ORG_RPM: limit,
      GATEWAY_KEY_MAX_STREAMS: limit,
      GATEWAY_ORG_MAX_STREAMS: limit,
    }, log.fd);

    const upstreamOrigin = `http://127.0.0.1:${upstreamPort}`;
    await Promise.all([
      waitUntilAnswering(`${upstreamOrigin}/`),
      waitUntilAnswering(`http://127.0.0.1:${nginxPort}/`),
      waitUntilAnswering(`http://127.0.0.1:${nodePort}/`),
      waitUntilAnswering(`http://127.0.0.1:${gatewayPort}/healthz`),
    ]);

    const targets: Target[] = [
      { name: 'direct', origin: upstreamOrigin, path: '/v1/chat/completions', headers: {} },
      { name: 'nginx', origin: `http://127.0.0.1:${nginxPort}`, path: '/v1/chat/completions', headers: {} },
      { name: 'node', origin: `http://127.0.0.1:${nodePort}`, path: '/v1/chat/completions', headers: {} },
      { name: 'gateway', origin: `http://127.0.0.1:${gatewayPort}`, path: `/api/gguf/${deploymentId}/v1/chat/completions`, headers: { authorization: `Bearer ${apiKey.key}` } },
    ];

    const scenarios: { name: string; concurrency: number; stream: boolean; rate?: number }[] = [
      { name: `non-streaming, ${connections} connections (throughput)`, concurrency: connections, stream: false },
      { name: `non-streaming, ${moderate} connections (closed loop)`, concurrency: moderate, stream: false },
      { name: `non-streaming, ${rate} requests/s (moderate load, open loop)`, concurrency: 64, stream: false, rate },
      { name: `streaming ${EVENTS_PER_STREAM} events ${eventIntervalMs} ms apart, ${streamConnections} connections`, concurrency: streamConnections, stream: true },
    ];

    process.stdout.write(
      `machine: ${describeMachine()}\nduration per measurement: ${durationMs / 1000} s (after a 1 s warm-up)\n\n`,
    );
    for (const scenario of scenarios) {
      const results = new Map<Target['name'], Result>();
      for (const target of targets.filter((t) => options.paths.split(',').includes(t.name))) {
        await load(target, scenario.concurrency, 1_000, scenario.stream, scenario.rate);
        results.set(target.name, await load(target, scenario.concurrency, durationMs, scenario.stream, scenario.rate));
      }
      printScenario(scenario.name, scenario.stream, results);
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'exit') : undefined)));
    await log.close();
    await stopServices();
    if (options.keep) process.stdout.write(`kept ${dir}\n`);
    else await rm(dir, { recursive: true, force: true });
  }
}

const ms = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(2));

function printScenario(name: string, stream: boolean, results: Map<Target['name'], Result>): void {
  const missing: Result = { requests: NaN, errors: 0, seconds: 1, latencies: [], ttfb: [], gaps: [] };
  const direct = results.get('direct') ?? missing;
  const rows = [...results].map(([target, r]) => {
    const rps = r.requests / r.seconds;
    const added = (p: number) => percentile(r.latencies, p) - percentile(direct.latencies, p);
    const cells = [
      target.padEnd(8),
      rps.toFixed(0).padStart(8),
      String(r.errors).padStart(6),
      ms(percentile(r.latencies, 50)).padStart(8),
      ms(percentile(r.latencies, 99)).padStart(8),
      (target === 'direct' ? '-' : ms(added(50))).padStart(9),
      (target === 'direct' ? '-' : ms(added(99))).padStart(9),
    ];
    if (stream) cells.push(ms(percentile(r.ttfb, 50)).padStart(9), ms(percentile(r.ttfb, 99)).padStart(9), ms(percentile(r.gaps, 50)).padStart(8), ms(percentile(r.gaps, 99)).padStart(8));
    return cells.join(' ');
  });
  const header = ['path    ', '   req/s', 'errors', '  p50 ms', '  p99 ms', '+p50 ms', '+p99 ms'.padStart(9)];
  if (stream) header.push('ttfb p50', 'ttfb p99', 'gap p50', 'gap p99');
  const throughput = (path: Target['name']) => {
    const r = results.get(path) ?? missing;
    return r.requests / r.seconds;
  };
  const ratio = (a: Target['name'], b: Target['name']) => `${a}/${b} ${(throughput(a) / throughput(b)).toFixed(2)}x`;
  process.stdout.write(
    `${name}\n${header.map((h) => h.padStart(9)).join(' ')}\n${rows.join('\n')}\n` +
      `throughput: ${ratio('gateway', 'nginx')}   ${ratio('gateway', 'node')}   ${ratio('node', 'nginx')}   ${ratio('nginx', 'direct')}\n\n`,
  );
}

await main();
