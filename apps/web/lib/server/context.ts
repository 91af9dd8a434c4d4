import type { ApiDeps } from '@gguf/api';
import { createLogger, loadEnvOrExit, secretBoxFromEnv, type Logger } from '@gguf/core';
import { webEnv, type WebEnv } from './env';
import { createDatabase, type Database } from '@gguf/db';
import { createDeploymentQueue, createRedis, type Redis } from '@gguf/redis';
import { createMailer, type Mailer } from './mailer';

/** Process-wide server dependencies, created once (and kept across dev-server reloads). */
export interface ServerContext {
  env: WebEnv;
  db: Database;
  redis: Redis;
  logger: Logger;
  /** What the control plane's domain functions (@gguf/api) take. */
  deps: ApiDeps;
  /** Outgoing mail, when SMTP_URL is set. */
  mailer?: Mailer;
}

const holder = globalThis as typeof globalThis & { __ggufServerContext?: ServerContext };

export function serverContext(): ServerContext {
  if (!holder.__ggufServerContext) {
    const env = loadEnvOrExit('web', webEnv);
    const db = createDatabase(env.DATABASE_URL, { applicationName: 'gguf-web' });
    const redis = createRedis(env.REDIS_URL, 'gguf-web');
    const logger = createLogger('web', env.LOG_LEVEL);
    const queue = createDeploymentQueue(redis);
    holder.__ggufServerContext = { env, db, redis, logger, deps: { db, redis, queue, logger, publicGatewayUrl: env.PUBLIC_GATEWAY_URL, secrets: secretBoxFromEnv(env), allowedModelHosts: env.MODEL_URL_ALLOWED_HOSTS }, mailer: createMailer(env) };
  }
  return holder.__ggufServerContext;
}

/** Lets tests run the real route handlers against their own database, Redis and queue. */
export function setServerContextForTests(context: ServerContext | undefined): void {
  holder.__ggufServerContext = context;
}
