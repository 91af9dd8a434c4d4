import { once } from 'node:events';
import { createLogger, describeError, loadEnvOrExit, onShutdown, secretBoxFromEnv } from '@gguf/core';
import { createDatabase, hfTokenForOrganization, pingDatabase, waitForDatabase } from '@gguf/db';
import { closeRedis, createRedis, pingRedis } from '@gguf/redis';
import { nodeName, setupFromEnv } from './config';
import { createHealthServer } from './health-server';
import { findNodeRegistration } from './node/registration';
import { startWorker } from './worker';
import { workerEnv } from './env';

const env = loadEnvOrExit('worker', workerEnv);
const secrets = secretBoxFromEnv(env);
const logger = createLogger('worker', env.LOG_LEVEL);
const db = createDatabase(env.DATABASE_URL, { applicationName: 'gguf-worker' });
const redis = createRedis(env.REDIS_URL, 'gguf-worker-health');
redis.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));

// Signals are handled from here on, so a SIGTERM during start-up (waiting for Postgres, starting the
// worker) still stops cleanly. SIGTERM: stop taking jobs, hand back the ones waiting on a server (the
// next worker resumes them); servers keep running for the next worker of this node, or stop with it
// (SERVERS_ON_SHUTDOWN).
const started: { health?: ReturnType<typeof createHealthServer>; worker?: ReturnType<typeof startWorker> } = {};
onShutdown(
  async () => {
    started.health?.close();
    await started.worker?.then((w) => w.stop(), () => undefined);
    await Promise.allSettled([db.$disconnect(), closeRedis(redis)]);
  },
  logger,
  30_000,
);

await waitForDatabase(db, logger);
let setup;
try {
  // A registered node's TLS material that does not open (another SECRETS_KEY) is a configuration error too.
  const registration = await findNodeRegistration(db, secrets, nodeName(env));
  setup = await setupFromEnv(env, process.env, registration);
} catch (error) {
  // A malformed NODE_GPUS, an unreadable TLS certificate: configuration errors, exit like loadEnvOrExit does.
  process.stderr.write(`worker: invalid configuration\n  - ${describeError(error)}\n`);
  process.exit(78);
}
for (const note of setup.notes) logger.info(note);
for (const warning of setup.warnings) logger.warn(warning);

const health = (started.health = createHealthServer(logger, { postgres: () => pingDatabase(db), redis: () => pingRedis(redis) }));
health.listen(env.WORKER_PORT, env.HOST);
await once(health, 'listening');

// An organization's downloads use its own Hugging Face token, or the platform's only where an admin allowed it.
const models = setup.models((orgId) => hfTokenForOrganization(db, secrets, orgId, env.HF_TOKEN));
started.worker = startWorker({ db, redisUrl: env.REDIS_URL, logger, secrets, node: setup.node, timing: setup.timing, runtime: setup.runtime, models, serversOnShutdown: setup.serversOnShutdown });
const worker = await started.worker;
logger.info({ port: env.WORKER_PORT, node: setup.node.name, runtime: worker.runtime.description }, 'worker ready');
