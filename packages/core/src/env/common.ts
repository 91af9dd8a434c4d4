import { z } from 'zod';
import { httpUrl, logLevel, postgresUrl, redisUrl } from './fields';

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
});
