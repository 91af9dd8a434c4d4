import { randomBytes } from 'node:crypto';
import { createLogger, newId, NO_ALLOWED_HOSTS } from '@gguf/core';
import { closeRedis, createRedis, DEPLOYMENT_QUEUE } from '@gguf/redis';
import { createTestDatabase, testEnv, testSecrets } from '@gguf/testkit';
import { Queue } from 'bullmq';
import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';

/**
 * What domain functions take, for tests: a fresh migrated Postgres database, the test Redis, and a
 * BullMQ queue under a prefix of its own (so no worker elsewhere picks the jobs up and the test can read
 * them). `system` acts as the platform, as sign-up and bootstrap do.
 */
export async function createTestDeps(publicGatewayUrl = 'http://gateway.test:3001') {
  const database = await createTestDatabase();
  const redis = createRedis(testEnv('redisUrl'), 'api-test');
  // Notifications and rate limits are skipped while Redis is not ready; tests assert on them.
  await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  const queue = new Queue(DEPLOYMENT_QUEUE, { connection: redis, prefix: `test-${randomBytes(6).toString('hex')}` });
  const logger = createLogger('api-test', 'silent');
  const deps: ApiDeps = { db: database.db, redis, queue, logger, publicGatewayUrl, secrets: testSecrets, allowedModelHosts: NO_ALLOWED_HOSTS };
  const system: AdminScope = { actor: { type: 'system', id: null }, requestId: newId('request') };

  async function close(): Promise<void> {
    await queue.obliterate({ force: true });
    await queue.close();
    await closeRedis(redis);
    await database.drop();
  }

  return { deps, db: database.db, databaseUrl: database.url, redis, queue, logger, system, close };
}
