import { z } from 'zod';
import { httpUrl, logLevel, postgresUrl, redisUrl, secret } from './fields';

/** The master key of the secrets stored in Postgres; every app reads it, and so do db:migrate and secrets:rotate. */
export const secretsEnv = z.object({
  // Seals and opens stored secrets (deployments' upstream secrets, nodes' Docker TLS keys, organizations' HF tokens):
  // at least 32 characters, e.g. `openssl rand -base64 32`; the same value for every app. npm start generates it.
  SECRETS_KEY: secret(32),
  // The key before a rotation: still opens what it sealed until `npm run secrets:rotate` has re-wrapped it.
  SECRETS_KEY_PREVIOUS: secret(32).optional(),
});

/** Variables every app reads. */
export const commonEnv = z.object({
  // PostgreSQL connection string; the single source of truth for tenants, deployments and keys.
  DATABASE_URL: postgresUrl,
  // Redis connection string; job queue (BullMQ), pub/sub for cache invalidation, rate limits.
  REDIS_URL: redisUrl,
  // pino log level.
  LOG_LEVEL: logLevel.default('info'),
  // Base URL users are shown for calling deployments: {PUBLIC_GATEWAY_URL}/api/gguf/{id}.
  PUBLIC_GATEWAY_URL: httpUrl.default('http://localhost:3001'),
  ...secretsEnv.shape,
});
