import { once } from 'node:events';
import { createAccessLogger, createLogger, loadEnvOrExit, onShutdown } from '@gguf/core';
import { gatewayEnv } from './env';
import { createDatabase, pingDatabase, waitForDatabase } from '@gguf/db';
import { closeRedis, createRedis, pingRedis } from '@gguf/redis';
import pino from 'pino';
import { createGateway } from './gateway';
import { listensOnLoopbackOnly } from './http/loopback';

const env = loadEnvOrExit('gateway', gatewayEnv);
// One line per request: buffered writes keep a write(2) per line off the hot path; flushed on shutdown.
const logDestination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
const logger = createLogger('gateway', env.LOG_LEVEL, logDestination);
const accessLogger = createAccessLogger('gateway', env.LOG_LEVEL, logDestination);
const flushInterval = setInterval(() => logDestination.flush(), 1_000);
flushInterval.unref();

const db = createDatabase(env.DATABASE_URL, { applicationName: 'gguf-gateway' });
const redis = createRedis(env.REDIS_URL, 'gguf-gateway');
redis.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));

// Signals are handled from here on, so a SIGTERM during start-up still stops cleanly. In-flight
// streams get the shutdown timeout to finish; usage is written before the connections close.
const started: { gateway?: ReturnType<typeof createGateway> } = {};
onShutdown(async () => {
  await started.gateway?.then((g) => g.close(), () => undefined);
  await Promise.allSettled([db.$disconnect(), closeRedis(redis)]);
  logDestination.flushSync();
}, logger);

await waitForDatabase(db, logger);
started.gateway = createGateway({
  db,
  redis,
  env,
  logger,
  accessLogger,
  healthChecks: { postgres: () => pingDatabase(db), redis: () => pingRedis(redis) },
});
const { server } = await started.gateway;
server.listen(env.GATEWAY_PORT, env.HOST);
await once(server, 'listening');
logger.info({ port: env.GATEWAY_PORT, host: env.HOST }, 'gateway listening');
if (env.GATEWAY_METRICS_TOKEN === undefined && !listensOnLoopbackOnly(server)) {
  logger.warn('GET /metrics answers 403 until GATEWAY_METRICS_TOKEN is set, because the gateway listens beyond loopback');
}
