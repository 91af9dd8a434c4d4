import { join } from 'node:path';
import { httpUrl, port, postgresUrl, redisUrl, secretsEnv } from '@gguf/core';
import { z } from 'zod';

/** What `npm start` reads from its environment; the apps read their own on top (README lists all). */
export const startEnv = z.object({
  // Where local PostgreSQL and Redis keep their data, and where generated secrets are stored.
  DATA_DIR: z.string().optional(),
  // Use these instead of starting a local PostgreSQL / Redis.
  DATABASE_URL: postgresUrl.optional(),
  REDIS_URL: redisUrl.optional(),
  // Ports of the embedded PostgreSQL and Redis (127.0.0.1 only).
  LOCAL_POSTGRES_PORT: port.default(54329),
  LOCAL_REDIS_PORT: port.default(63790),
  WEB_PORT: port.default(3000),
  GATEWAY_PORT: port.default(3001),
  WORKER_PORT: port.default(3002),
  HOST: z.string().default('0.0.0.0'),
  // What SDK base URLs are built on, and where the dashboard is reached; http://localhost:<port> when unset.
  PUBLIC_GATEWAY_URL: httpUrl.optional(),
  PUBLIC_WEB_URL: httpUrl.optional(),
  // The platform admin seeded on first start; the password is generated and printed once when unset.
  ADMIN_EMAIL: z.email('must be an email address').default('admin@localhost.localdomain'),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  // Bearer secret of the admin API; generated, stored in DATA_DIR and printed when unset.
  ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // Key that seals stored secrets; generated, stored in DATA_DIR and given to every app when unset.
  SECRETS_KEY: secretsEnv.shape.SECRETS_KEY.optional(),
  // Set (to the key in use until now, with a new SECRETS_KEY) to rotate: npm start re-wraps every stored secret before the apps start.
  SECRETS_KEY_PREVIOUS: secretsEnv.shape.SECRETS_KEY_PREVIOUS,
});

export type StartEnv = z.infer<typeof startEnv>;

/** The public URLs the apps are given: the configured ones, else this machine's ports. */
export function publicUrls(env: StartEnv): { gateway: string; web: string } {
  return { gateway: env.PUBLIC_GATEWAY_URL ?? `http://localhost:${env.GATEWAY_PORT}`, web: env.PUBLIC_WEB_URL ?? `http://localhost:${env.WEB_PORT}` };
}

export function dataDirOf(env: StartEnv, root: string): string {
  return env.DATA_DIR ?? join(root, '.data');
}
