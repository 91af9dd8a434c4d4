// What the worker-and-gateway benchmarks share: their statistics, the gateway as `npm start` ships it, and a tenant
// with an API key. Traffic goes to 127.0.0.1 only.
import { join } from 'node:path';
import { generateApiKey, newId } from '@gguf/core';
import type { Database } from '@gguf/db';
import { freePort } from '@gguf/local-services';
import { buildGateway } from './bench-build';
import { type BenchProcesses, waitUntilAnswering } from './bench-processes';
import { SECRETS_KEY } from './gateway-seed';

/** The `q` quantile of `xs` (nearest rank); NaN for none. */
export const quantile = (xs: number[], q: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};
export const fmt = (ms: number): string => `${ms.toFixed(0)} ms`;

/** The gateway bundle built from this checkout, run as its own process on the benchmark's stores; resolves with its URL once it answers. */
export async function startShippedGateway(root: string, processes: BenchProcesses, stores: { postgresUrl: string; redisUrl: string }, env: Record<string, string> = {}): Promise<string> {
  const gatewayRoot = await buildGateway(undefined, root);
  const port = await freePort();
  processes.start(process.execPath, [join(gatewayRoot, 'apps/gateway/dist/main.js')], {
    PATH: process.env.PATH,
    DATABASE_URL: stores.postgresUrl,
    REDIS_URL: stores.redisUrl,
    SECRETS_KEY,
    GATEWAY_PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(`${url}/healthz`);
  return url;
}

/** An organization with one unrestricted API key. */
export async function seedBenchOrg(db: Database): Promise<{ orgId: string; key: string }> {
  const orgId = newId('organization');
  await db.organization.create({ data: { id: orgId, name: 'Bench', slug: 'bench' } });
  const issued = generateApiKey();
  await db.apiKey.create({ data: { id: newId('apiKey'), orgId, name: 'bench', prefix: issued.prefix, hash: issued.hash } });
  return { orgId, key: issued.key };
}
