// PostgreSQL and Redis of a benchmark's own, on free loopback ports, under its scratch directory.
import { join } from 'node:path';
import { applyMigrations } from '@gguf/db/migrate';
import { freePort, startLocalPostgres, startLocalRedis } from '@gguf/local-services';

/** A fresh, migrated PostgreSQL and a Redis under `root`; how to stop each is put first in `stops`. */
export async function startBenchServices(root: string, stops: (() => Promise<unknown>)[]): Promise<{ postgresUrl: string; redisUrl: string }> {
  const [pgPort, redisPort] = [await freePort(), await freePort()];
  const postgres = await startLocalPostgres({ dataDir: join(root, 'pg'), port: pgPort, password: 'bench', database: 'bench', ephemeral: true });
  stops.unshift(() => postgres.stop());
  const redis = await startLocalRedis({ dataDir: join(root, 'redis'), port: redisPort });
  stops.unshift(() => redis.stop());
  await applyMigrations(postgres.url);
  return { postgresUrl: postgres.url, redisUrl: redis.url };
}
