import { loadEnvOrExit, webEnv, type WebEnv } from '@gguf/core';
import { createDatabase, type Database } from '@gguf/db';
import { createRedis, type Redis } from '@gguf/redis';

/** Process-wide server dependencies, created once (and kept across dev-server reloads). */
export interface ServerContext {
  env: WebEnv;
  db: Database;
  redis: Redis;
}

const holder = globalThis as typeof globalThis & { __ggufServerContext?: ServerContext };

export function serverContext(): ServerContext {
  if (!holder.__ggufServerContext) {
    const env = loadEnvOrExit('web', webEnv);
    holder.__ggufServerContext = {
      env,
      db: createDatabase(env.DATABASE_URL, { applicationName: 'gguf-web' }),
      redis: createRedis(env.REDIS_URL, 'gguf-web'),
    };
  }
  return holder.__ggufServerContext;
}
