import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations } from '@gguf/db/migrate';
import { freePort, type LocalPostgres, type LocalRedis, startLocalPostgres, startLocalRedis } from '@gguf/local-services';
import { TEST_ENV } from './test-env';

/**
 * Vitest global setup: one throwaway PostgreSQL cluster and one Redis for the whole run, under a
 * temporary directory (never the `npm start` data in .data/). Migrations are applied once to a
 * template database; each test file clones it (see createTestDatabase), which takes milliseconds.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), 'gguf-test-'));
  // When tests run as root, PostgreSQL runs as the postgres user and must be able to reach its directory.
  await chmod(root, 0o755);
  let postgres: LocalPostgres | undefined;
  let redis: LocalRedis | undefined;
  try {
    const starting = [
      freePort()
        .then((port) => startLocalPostgres({ dataDir: join(root, 'postgres'), port, password: 'test', database: TEST_TEMPLATE_DB, ephemeral: true }))
        .then((started) => (postgres = started)),
      freePort()
        .then((port) => startLocalRedis({ dataDir: join(root, 'redis'), port }))
        .then((started) => (redis = started)),
    ];
    const failure = (await Promise.allSettled(starting)).find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    if (!postgres || !redis) throw new Error('unreachable');
    // applyMigrations closes its connections: a template cannot be cloned while anyone is connected.
    await applyMigrations(postgres.url);
    process.env[TEST_ENV.postgresAdminUrl] = postgres.adminUrl;
    process.env[TEST_ENV.templateDatabase] = TEST_TEMPLATE_DB;
    process.env[TEST_ENV.redisUrl] = redis.url;
  } catch (error) {
    await Promise.allSettled([postgres?.stop(), redis?.stop()]);
    throw error;
  }
  return async () => {
    await Promise.allSettled([postgres?.stop(), redis?.stop()]);
    await rm(root, { recursive: true, force: true });
  };
}

const TEST_TEMPLATE_DB = 'gguf_template';
