import { once } from 'node:events';
import { createLogger, loadEnvOrExit, onShutdown, workerEnv } from '@gguf/core';
import { createDatabase, pingDatabase, waitForDatabase } from '@gguf/db';
import { closeRedis, createRedis, pingRedis } from '@gguf/redis';
import { createHealthServer } from './health-server';

const env = loadEnvOrExit('worker', workerEnv);
const logger = createLogger('worker', env.LOG_LEVEL);
const db = createDatabase(env.DATABASE_URL, { applicationName: 'gguf-worker' });
const redis = createRedis(env.REDIS_URL, 'gguf-worker');
redis.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));

await waitForDatabase(db, logger);
const health = createHealthServer(logger, { postgres: () => pingDatabase(db), redis: () => pingRedis(redis) });
health.listen(env.WORKER_PORT, env.HOST);
await once(health, 'listening');
logger.info({ port: env.WORKER_PORT }, 'worker ready');

onShutdown(async () => {
  health.close();
  await Promise.allSettled([db.$disconnect(), closeRedis(redis)]);
}, logger);
