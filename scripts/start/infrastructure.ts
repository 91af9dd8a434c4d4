import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isPortFree, type LocalPostgres, type LocalRedis, startLocalPostgres, startLocalRedis } from '@gguf/local-services';
import type { StartEnv } from './config';
import type { StoredSecrets } from './secrets';

export interface Infrastructure {
  databaseUrl: string;
  redisUrl: string;
  /** Human-readable origin of each, for the banner. */
  describe: { postgres: string; redis: string };
  stop(): Promise<void>;
}

/** Uses DATABASE_URL / REDIS_URL when given; otherwise runs them locally with data under DATA_DIR. */
export async function startInfrastructure(env: StartEnv, dataDir: string, secrets: StoredSecrets): Promise<Infrastructure> {
  let postgres: LocalPostgres | undefined;
  let redis: LocalRedis | undefined;
  const stop = async () => {
    await redis?.stop();
    await postgres?.stop();
  };
  try {
    if (!env.DATABASE_URL) {
      await assertPortFree(env.LOCAL_POSTGRES_PORT, 'LOCAL_POSTGRES_PORT', 'PostgreSQL');
      postgres = await startLocalPostgres({ dataDir: join(dataDir, 'postgres'), port: env.LOCAL_POSTGRES_PORT, password: secrets.postgresPassword, database: 'gguf' });
    }
    if (!env.REDIS_URL) {
      await assertPortFree(env.LOCAL_REDIS_PORT, 'LOCAL_REDIS_PORT', 'Redis');
      const redisDir = join(dataDir, 'redis');
      await mkdir(redisDir, { recursive: true, mode: 0o700 });
      redis = await startLocalRedis({ dataDir: redisDir, port: env.LOCAL_REDIS_PORT, password: secrets.redisPassword, persistent: true });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    databaseUrl: env.DATABASE_URL ?? postgres!.url,
    redisUrl: env.REDIS_URL ?? redis!.url,
    describe: {
      postgres: postgres ? `local, 127.0.0.1:${env.LOCAL_POSTGRES_PORT}, data in ${join(dataDir, 'postgres')}` : 'DATABASE_URL',
      redis: redis ? `local, 127.0.0.1:${env.LOCAL_REDIS_PORT}, data in ${join(dataDir, 'redis')}` : 'REDIS_URL',
    },
    stop,
  };
}

async function assertPortFree(port: number, variable: string, what: string): Promise<void> {
  if (!(await isPortFree(port)))
    throw new Error(`port ${port} for the local ${what} is taken (is another \`npm start\` running?). Stop it, or set ${variable} or the URL variable.`);
}
