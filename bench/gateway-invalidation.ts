// How long a change pushed by the control plane takes to reach the gateway: from the notification on Redis
// (publishApiKeyChanged / publishDeploymentChanged, sent after the row is written, as the REST API does) to the
// first request the gateway answers differently. A revoked key (401) and a deployment going down (503) and
// coming back (200), each repeated; the cache TTL is an hour, so only the notification can explain the change.
// The tests (apps/gateway/src/invalidation.test.ts) prove that the change happens; this measures how fast.
//
// usage: npx tsx bench/gateway-invalidation.ts [--runs 50]
// Traffic goes to 127.0.0.1 only. Needs PostgreSQL and redis-server binaries (the gateway's database and Redis).
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, generateApiKey, newId, parseEnv } from '@gguf/core';
import { gatewayEnv } from '../apps/gateway/src/env';
import { createDatabase } from '@gguf/db';
import { closeRedis, createRedis, publishApiKeyChanged, publishDeploymentChanged } from '@gguf/redis';
import { startFakeLlamaServer } from '@gguf/testkit/fake-llama-server';
import { createGateway } from '../apps/gateway/src/gateway';
import { startBenchServices } from './bench-services';
import { SECRETS_KEY, seedTenant, UPSTREAM_SECRET } from './gateway-seed';

const { values: options } = parseArgs({ options: { runs: { type: 'string', default: '50' } } });
const runs = Number(options.runs);

/** Milliseconds from `announce` until `status()` answers `expected`, asking again as soon as each answer is in. */
async function timeUntil(announce: () => Promise<unknown>, status: () => Promise<number>, expected: number): Promise<number> {
  const started = performance.now();
  await announce();
  while ((await status()) !== expected) {
    if (performance.now() - started > 30_000) throw new Error(`no ${expected} within 30 s`);
  }
  return performance.now() - started;
}

function summary(name: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
  return `${name.padEnd(34)} p50 ${at(0.5).padStart(6)} ms   p90 ${at(0.9).padStart(6)} ms   max ${at(1).padStart(6)} ms   (${samples.length} runs)`;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'gguf-invalidation-'));
  await chmod(root, 0o755);
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const services = await startBenchServices(root, stops);

    const llama = await startFakeLlamaServer({ args: ['--api-key', UPSTREAM_SECRET], env: { FAKE_LLAMA_LOAD_MS: '0' } });
    stops.unshift(() => llama.close());
    await llama.ready;
    const tenant = await seedTenant(services.postgresUrl, [llama.url]);
    const deploymentId = tenant.deploymentIds[0]!;

    const db = createDatabase(services.postgresUrl);
    stops.unshift(() => db.$disconnect());
    const redis = createRedis(services.redisUrl, 'bench-gateway');
    stops.unshift(() => closeRedis(redis));
    const env = parseEnv('gateway', gatewayEnv, {
      DATABASE_URL: services.postgresUrl,
      REDIS_URL: services.redisUrl,
      SECRETS_KEY,
      GATEWAY_CACHE_TTL_MS: '3600000',
      GATEWAY_NEGATIVE_CACHE_TTL_MS: '3600000',
      GATEWAY_KEY_RPM: '0',
      GATEWAY_ORG_RPM: '0',
    });
    const gateway = await createGateway({ db, redis, env, logger: createLogger('bench', 'error') });
    stops.unshift(() => gateway.close());
    gateway.server.listen(0, '127.0.0.1');
    await once(gateway.server, 'listening');
    const url = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}/api/gguf/${deploymentId}/v1/models`;
    const status = async (key: string) => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
      await res.arrayBuffer();
      return res.status;
    };
    const { orgId } = await db.deployment.findUniqueOrThrow({ where: { id: deploymentId } });

    const revoked: number[] = [];
    const down: number[] = [];
    const back: number[] = [];
    for (let run = 0; run < runs; run++) {
      const key = generateApiKey();
      const apiKeyId = newId('apiKey');
      await db.apiKey.create({ data: { id: apiKeyId, orgId, name: `run ${run}`, prefix: key.prefix, hash: key.hash } });
      if ((await status(key.key)) !== 200) throw new Error('a new key was refused');
      await db.apiKey.update({ where: { id: apiKeyId }, data: { revokedAt: new Date() } });
      revoked.push(await timeUntil(() => publishApiKeyChanged(redis, { kind: 'revoked', apiKeyId, hash: key.hash }), () => status(key.key), 401));

      await db.deployment.update({ where: { id: deploymentId }, data: { status: 'stopping' } });
      down.push(await timeUntil(() => publishDeploymentChanged(redis, { kind: 'updated', deploymentId }), () => status(tenant.apiKey), 503));
      await db.deployment.update({ where: { id: deploymentId }, data: { status: 'running' } });
      back.push(await timeUntil(() => publishDeploymentChanged(redis, { kind: 'updated', deploymentId }), () => status(tenant.apiKey), 200));
    }
    console.log(summary('key revoked → 401', revoked));
    console.log(summary('deployment stopping → 503', down));
    console.log(summary('deployment running again → 200', back));
  } finally {
    for (const stop of stops) await stop().catch((error: unknown) => console.error('cleanup:', error));
    await rm(root, { recursive: true, force: true });
  }
}

await main();
