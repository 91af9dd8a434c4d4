import { once } from 'node:events';
import { createLogger, gatewayEnv, loadEnvOrExit, onShutdown } from '@gguf/core';
import { createDatabase, pingDatabase, waitForDatabase } from '@gguf/db';
import { closeRedis, createRedis, pingRedis } from '@gguf/redis';
import { createGatewayServer } from './server';

const env = loadEnvOrExit('gateway', gatewayEnv);
const logger = createLogger('gateway', env.LOG_LEVEL);
const db = createDatabase(env.DATABASE_URL, { applicationName: 'gguf-gateway' });
const redis = createRedis(env.REDIS_URL, 'gguf-gateway');
redis.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));

await waitForDatabase(db, logger);
const server = createGatewayServer({
  logger,
  healthChecks: { postgres: () => pingDatabase(db), redis: () => pingRedis(redis) },
});
server.listen(env.GATEWAY_PORT, env.HOST);
await once(server, 'listening');
logger.info({ port: env.GATEWAY_PORT, host: env.HOST }, 'gateway listening');

onShutdown(async () => {
  server.close();
  server.closeIdleConnections();
  await Promise.allSettled([db.$disconnect(), closeRedis(redis)]);
}, logger);
