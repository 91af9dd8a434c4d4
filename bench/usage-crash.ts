// Usage lost when a gateway is killed under load: the gateway as it ships (and, with --baseline, an earlier
// revision's), behind the gateway benchmark's fast upstream, takes non-streamed requests on many connections;
// part way through it gets SIGKILL. A second gateway of the same build is then started (as `npm start` restarts
// one), and once usage_hourly stops growing, the requests the clients saw answered 200 are compared with the
// requests metered for the run's key. Prints one line per run and the totals.
//
// usage: npx tsx bench/usage-crash.ts [--runs 3] [--seconds 4] [--connections 64] [--baseline <git revision>]
// Traffic goes to 127.0.0.1 only. Needs PostgreSQL and redis-server binaries.
import { once } from 'node:events';
import { chmod, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateApiKey, newId } from '@gguf/core';
import { createDatabase } from '@gguf/db';
import { applyMigrations } from '@gguf/db/migrate';
import { freePort, startLocalPostgres, startLocalRedis } from '@gguf/local-services';
import { buildGateway, ROOT } from './bench-build';
import { BenchProcesses, waitUntilAnswering } from './bench-processes';
import { EVENTS_PER_STREAM, load } from './gateway-load';
import { SECRETS_KEY, seedTenant } from './gateway-seed';

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '4' },
    connections: { type: 'string', default: '64' },
    baseline: { type: 'string' },
  },
});

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gguf-usage-crash-'));
  await chmod(dir, 0o755);
  const log = await open(join(dir, 'processes.log'), 'a');
  const processes = new BenchProcesses(ROOT, log.fd);
  const [pgPort, redisPort, upstreamPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const [postgres, redis] = await Promise.all([
    startLocalPostgres({ dataDir: join(dir, 'postgres'), port: pgPort, password: 'bench', database: 'gguf_bench', ephemeral: true }),
    startLocalRedis({ dataDir: join(dir, 'redis'), port: redisPort }),
  ]);
  const db = createDatabase(postgres.url);
  try {
    await applyMigrations(postgres.url);
    processes.start(process.execPath, ['--import', 'tsx', 'bench/gateway-upstream.ts', String(upstreamPort), String(EVENTS_PER_STREAM), join(dir, 'llama.sock')]);
    await waitUntilAnswering(`http://127.0.0.1:${upstreamPort}/`);
    const builds: [string, string][] = [['current', await buildGateway(undefined, dir)]];
    if (options.baseline) builds.push([`baseline ${options.baseline}`, await buildGateway(options.baseline, join(dir, 'baseline'))]);

    const tenant = await seedTenant(postgres.url, [`http://127.0.0.1:${upstreamPort}`]);
    const { orgId } = await db.deployment.findUniqueOrThrow({ where: { id: tenant.deploymentIds[0]! } });

    for (const [name, root] of builds) {
      let answered = 0;
      let metered = 0;
      for (let run = 0; run < Number(options.runs); run++) {
        // A key per run, so each run's usage is counted apart.
        const key = generateApiKey();
        const apiKeyId = newId('apiKey');
        await db.apiKey.create({ data: { id: apiKeyId, orgId, name: `crash ${run}`, prefix: key.prefix, hash: key.hash } });
        const port = await freePort();
        const start = () =>
          processes.start(process.execPath, [join(root, 'apps/gateway/dist/main.js')], {
            ...process.env,
            DATABASE_URL: postgres.url,
            REDIS_URL: redis.url,
            SECRETS_KEY,
            GATEWAY_PORT: String(port),
            HOST: '127.0.0.1',
            LOG_LEVEL: 'warn',
            NODE_ENV: 'production',
            GATEWAY_KEY_RPM: '0',
            GATEWAY_ORG_RPM: '0',
            // Each build its own stream; the restarted gateway takes over the dead one's after a second.
            GATEWAY_RATE_LIMIT_PREFIX: `crash:${name}`,
            GATEWAY_USAGE_CLAIM_MS: '1000',
          });
        const gateway = start();
        await waitUntilAnswering(`http://127.0.0.1:${port}/healthz`);
        const ms = Number(options.seconds) * 1000;
        const kill = setTimeout(() => gateway.kill('SIGKILL'), ms - 500);
        const result = await load(
          { name: 'gateway', origin: `http://127.0.0.1:${port}`, path: `/api/gguf/${tenant.deploymentIds[0]}/v1/chat/completions`, headers: { authorization: `Bearer ${key.key}` } },
          { name: 'crash', concurrency: Number(options.connections), stream: false, eventIntervalMs: 0 },
          ms,
        );
        clearTimeout(kill);
        if (gateway.exitCode === null && gateway.signalCode === null) await once(gateway, 'exit');
        const restarted = start();
        await waitUntilAnswering(`http://127.0.0.1:${port}/healthz`);
        const rows = await settled(db, apiKeyId);
        restarted.kill('SIGTERM');
        await once(restarted, 'exit');
        answered += result.requests;
        metered += rows;
        process.stdout.write(`${name}, run ${run + 1}: ${result.requests} answered 200, ${result.errors} failed, ${rows} metered, ${result.requests - rows} lost\n`);
      }
      const lost = answered - metered;
      process.stdout.write(`${name}: ${answered} answered, ${metered} metered, ${lost} lost (${((100 * lost) / answered).toFixed(1)} %)\n\n`);
    }
  } finally {
    await processes.stopAll();
    await log.close();
    await db.$disconnect();
    await Promise.allSettled([postgres.stop(), redis.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
}

/** The requests metered for the key once usage_hourly has not grown for three seconds (at most 30 s). */
async function settled(db: ReturnType<typeof createDatabase>, apiKeyId: string): Promise<number> {
  const count = async () => Number((await db.usageHourly.aggregate({ where: { apiKeyId }, _sum: { requests: true } }))._sum.requests ?? 0);
  let last = -1;
  let stableSince = Date.now();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const now = await count();
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= 3_000 || Date.now() > deadline) return now;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

await main();
