// Gateway benchmark: the same fast upstream reached directly, through nginx (proxy_pass with upstream keep-alive),
// through a bare Node proxy (the floor of any Node data plane) and through the gateway as it ships (the bundle
// `npm start` runs; auth, rate limits and metering on, real Postgres and Redis), in one run on one machine.
// Sealed servers add a hop: the worker's SocketForwarder pipes the node port to llama-server's Unix socket. The
// `forwarder` path is that hop alone in front of the upstream's socket, `sealed` is the gateway in front of it.
// Prints requests/s, latency percentiles, streaming time-to-first-byte and event gaps, and the ratios.
//
// usage: npx tsx bench/gateway-bench.ts [--duration 10] [--rounds 1] [--connections 64] [--moderate 4]
//          [--rate 200] [--streams 16] [--interval 5] [--load-interval 1] [--paths direct,nginx,node,gateway,llm,forwarder,sealed]
//          [--baseline <git revision>]
// `--baseline` adds a `baseline` path: the gateway built from that revision (git archive), beside the current one,
// on the same Postgres and Redis, to measure what a change costs. Redis's CPU is counted on every gateway path.
// Traffic goes to 127.0.0.1 only. Needs nginx (/usr/sbin/nginx) for its path, PostgreSQL and redis-server binaries.
import { type ChildProcess, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { applyMigrations } from '@gguf/db/migrate';
import { freePort, startLocalPostgres, startLocalRedis } from '@gguf/local-services';
import { bundle, buildGateway, ROOT } from './bench-build';
import { BenchProcesses, waitUntilAnswering } from './bench-processes';
import { EVENTS_PER_STREAM, load, merge, type PathName, PATHS, type Result, type Scenario, type Target } from './gateway-load';
import { printScenario } from './gateway-report';
import { cpuSeconds } from './process-cpu';
import { SECRETS_KEY, seedTenant } from './gateway-seed';

const NGINX = '/usr/sbin/nginx';

const { values: options } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    // Each scenario measures every path this many times, alternating their order, and pools the samples, so
    // background load on a shared machine falls on every path alike.
    rounds: { type: 'string', default: '1' },
    connections: { type: 'string', default: '64' },
    moderate: { type: 'string', default: '4' },
    // Open-loop request rate for the added-latency measurement: well below every path's capacity.
    rate: { type: 'string', default: '200' },
    streams: { type: 'string', default: '16' },
    interval: { type: 'string', default: '5' },
    // Milliseconds between events in the streaming throughput scenario: short, but each event its own chunk.
    'load-interval': { type: 'string', default: '1' },
    // Keep the temporary directory (process, nginx and gateway logs) for inspection.
    keep: { type: 'boolean', default: false },
    // Measure only these paths (comma-separated); ratios are printed for the pairs measured.
    paths: { type: 'string', default: PATHS.join(',') },
    // Extra node flags for the gateway process, e.g. --cpu-prof.
    'gateway-node-flags': { type: 'string', default: '' },
    // A git revision whose gateway runs as the `baseline` path.
    baseline: { type: 'string' },
  },
});
const durationMs = Number(options.duration) * 1000;
const rounds = Number(options.rounds);
const connections = Number(options.connections);
const interval = Number(options.interval);
const loadInterval = Number(options['load-interval']);
const paths = PATHS.filter((path) => options.paths.split(',').includes(path) && (path !== 'baseline' || options.baseline !== undefined));
const wants = (...names: PathName[]) => names.some((name) => paths.includes(name));

const scenarios: Scenario[] = [
  { name: `non-streaming, ${connections} connections (throughput)`, concurrency: connections, stream: false, eventIntervalMs: 0 },
  { name: `non-streaming, ${options.moderate} connections (closed loop)`, concurrency: Number(options.moderate), stream: false, eventIntervalMs: 0 },
  { name: `non-streaming, ${options.rate} requests/s (moderate load, open loop)`, concurrency: 64, stream: false, eventIntervalMs: 0, rate: Number(options.rate) },
  { name: `streaming ${EVENTS_PER_STREAM} events ${loadInterval} ms apart, ${connections} connections (throughput)`, concurrency: connections, stream: true, eventIntervalMs: loadInterval },
  { name: `streaming ${EVENTS_PER_STREAM} events ${interval} ms apart, ${options.streams} connections`, concurrency: Number(options.streams), stream: true, eventIntervalMs: interval },
];

function describeMachine(): string {
  // nginx prints its version on stderr.
  const nginx = wants('nginx') ? `, ${spawnSync(NGINX, ['-v'], { encoding: 'utf8' }).stderr.trim().replace('nginx version: ', '')}` : '';
  return `${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}${nginx}`;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gguf-bench-'));
  // PostgreSQL runs as its own user when we are root and must reach its directory.
  await chmod(dir, 0o755);
  const log = await open(join(dir, 'processes.log'), 'a');
  const processes = new BenchProcesses(ROOT, log.fd);
  let stopServices: () => Promise<void> = async () => undefined;
  try {
    const [pgPort, redisPort, upstreamPort, nginxPort, nodePort, gatewayPort, forwarderPort, baselinePort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const local = (port: number) => `http://127.0.0.1:${port}`;
    const upstreamSocket = join(dir, 'llama.sock');
    // Whose CPU each path costs, counted per request: the upstream's always, and each proxy's on its paths.
    const roles = new Map<PathName, { role: string; pid: number }[]>(PATHS.map((path) => [path, []]));
    const serves = (child: ChildProcess, role: string, on: PathName[]) => {
      for (const path of on) roles.get(path)!.push({ role, pid: child.pid! });
    };
    serves(processes.start(process.execPath, ['--import', 'tsx', 'bench/gateway-upstream.ts', String(upstreamPort), String(EVENTS_PER_STREAM), upstreamSocket]), 'upstream', [...PATHS]);
    const ready = [waitUntilAnswering(`${local(upstreamPort)}/`)];

    if (wants('nginx')) {
      const nginxDir = join(dir, 'nginx');
      await mkdir(nginxDir);
      const template = await readFile(join(ROOT, 'bench/gateway-nginx.conf.template'), 'utf8');
      const config = template.replaceAll('{{DIR}}', nginxDir).replaceAll('{{PORT}}', String(nginxPort)).replaceAll('{{UPSTREAM_PORT}}', String(upstreamPort));
      await writeFile(join(nginxDir, 'nginx.conf'), config);
      processes.start(NGINX, ['-p', nginxDir, '-c', join(nginxDir, 'nginx.conf'), '-e', join(nginxDir, 'error.log')]);
      ready.push(waitUntilAnswering(`${local(nginxPort)}/`));
    }

    if (wants('node')) {
      serves(processes.start(process.execPath, ['--import', 'tsx', 'bench/bare-node-proxy.ts', String(nodePort), local(upstreamPort)]), 'proxy', ['node']);
      ready.push(waitUntilAnswering(`${local(nodePort)}/`));
    }

    if (wants('forwarder', 'sealed')) {
      const forwarderJs = join(dir, 'socket-forwarder-process.js');
      bundle(ROOT, 'bench/socket-forwarder-process.ts', forwarderJs);
      serves(processes.start(process.execPath, [forwarderJs, String(forwarderPort), upstreamSocket]), 'forwarder', ['forwarder', 'sealed']);
      ready.push(waitUntilAnswering(`${local(forwarderPort)}/`));
    }

    let tenant = { apiKey: '', deploymentIds: ['', ''] };
    if (wants('gateway', 'llm', 'sealed', 'baseline')) {
      const [postgres, redis] = await Promise.all([
        startLocalPostgres({ dataDir: join(dir, 'postgres'), port: pgPort, password: 'bench', database: 'gguf_bench', ephemeral: true }),
        startLocalRedis({ dataDir: join(dir, 'redis'), port: redisPort }),
      ]);
      stopServices = async () => void (await Promise.allSettled([postgres.stop(), redis.stop()]));
      serves(redis.process.child, 'redis', ['gateway', 'llm', 'sealed', 'baseline']);
      await applyMigrations(postgres.url);
      tenant = await seedTenant(postgres.url, [local(upstreamPort), local(forwarderPort)]);

      // The gateway as it ships: the bundle `npm start` builds and runs, not the TypeScript sources through tsx.
      await buildGateway(undefined, dir);
      const limit = '100000000';
      const gatewayFlags = options['gateway-node-flags'].split(' ').filter(Boolean);
      const startGateway = (root: string, port: number, prefix: string) =>
        processes.start(process.execPath, [...gatewayFlags, join(root, 'apps/gateway/dist/main.js')], {
          ...process.env,
          DATABASE_URL: postgres.url,
          REDIS_URL: redis.url,
          SECRETS_KEY,
          GATEWAY_PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          NODE_ENV: 'production',
          // Limits are checked and counted, just set too high to refuse anything.
          GATEWAY_KEY_RPM: limit,
          GATEWAY_ORG_RPM: limit,
          GATEWAY_KEY_MAX_STREAMS: limit,
          GATEWAY_ORG_MAX_STREAMS: limit,
          // Redis keys (the usage stream among them) of its own, as another product sharing the Redis would.
          GATEWAY_RATE_LIMIT_PREFIX: prefix,
        });
      serves(startGateway(ROOT, gatewayPort, 'gguf:rl'), 'gateway', ['gateway', 'llm', 'sealed']);
      ready.push(waitUntilAnswering(`${local(gatewayPort)}/healthz`));
      if (wants('baseline')) {
        const baselineRoot = await buildGateway(options.baseline!, join(dir, 'baseline'));
        serves(startGateway(baselineRoot, baselinePort, 'gguf:baseline'), 'gateway', ['baseline']);
        ready.push(waitUntilAnswering(`${local(baselinePort)}/healthz`));
      }
    }
    await Promise.all(ready);

    const completions = '/v1/chat/completions';
    // Both gateway paths send the deployment's model name; `llm` resolves the deployment from it, `gateway` names it in the URL.
    const viaGateway = (deploymentId: string) => ({ origin: local(gatewayPort), path: `/api/gguf/${deploymentId}${completions}`, headers: { authorization: `Bearer ${tenant.apiKey}` }, model: 'bench-0' });
    const allTargets: Target[] = [
      { name: 'direct', origin: local(upstreamPort), path: completions, headers: {} },
      { name: 'nginx', origin: local(nginxPort), path: completions, headers: {} },
      { name: 'node', origin: local(nodePort), path: completions, headers: {} },
      { name: 'gateway', ...viaGateway(tenant.deploymentIds[0]!) },
      { name: 'llm', ...viaGateway(tenant.deploymentIds[0]!), path: `/api/llm${completions}` },
      { name: 'forwarder', origin: local(forwarderPort), path: completions, headers: {} },
      { name: 'sealed', ...viaGateway(tenant.deploymentIds[1]!) },
      { name: 'baseline', ...viaGateway(tenant.deploymentIds[0]!), origin: local(baselinePort) },
    ];
    const targets = allTargets.filter((target) => paths.includes(target.name));

    process.stdout.write(
      `machine: ${describeMachine()}\nper path and scenario: ${rounds} × ${durationMs / 1000} s (after a 1 s warm-up), order alternating by round\n\n`,
    );
    for (const scenario of scenarios) {
      for (const target of targets) await load(target, scenario, 1_000);
      const samples = new Map<PathName, Result[]>(targets.map((target) => [target.name, []]));
      for (let round = 0; round < rounds; round++) {
        for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
          const counted = roles.get(target.name)!;
          const before = await Promise.all(counted.map(({ pid }) => cpuSeconds(pid)));
          const result = await load(target, scenario, durationMs);
          const after = await Promise.all(counted.map(({ pid }) => cpuSeconds(pid)));
          counted.forEach(({ role }, i) => (result.cpu[role] = after[i]! - before[i]!));
          samples.get(target.name)!.push(result);
        }
      }
      printScenario(scenario.name, scenario.stream, new Map([...samples].map(([name, results]) => [name, merge(results)])));
    }
  } finally {
    await processes.stopAll();
    await log.close();
    await stopServices();
    if (options.keep) process.stdout.write(`kept ${dir}\n`);
    else await rm(dir, { recursive: true, force: true });
  }
}

await main();
