import { randomBytes } from 'node:crypto';
import { createLogger, newId } from '@gguf/core';
import { closeRedis, createRedis, type Redis } from '@gguf/redis';
import { createTestDatabase, type TestDatabase, testEnv } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Budgets } from '../limits/budgets';
import { eventually } from '../test/eventually';
import { UsageConsumer } from './usage-consumer';
import { encodeEntry } from './usage-stream';

/** Usage in the stream of a key or deployment deleted before it was written: skipped, never holding back the rest. */
const logger = createLogger('usage-consumer-deleted-test', 'silent');
let t: TestDatabase;
let redis: Redis;
let consumer: UsageConsumer | undefined;

beforeAll(async () => {
  t = await createTestDatabase();
  redis = createRedis(testEnv('redisUrl'), 'usage-consumer-deleted-test');
});
afterAll(async () => {
  await consumer?.close();
  await closeRedis(redis);
  await t.drop();
});

describe('UsageConsumer and deleted keys or deployments', () => {
  it('writes the live usage of a batch, skips the rest and empties the stream', async () => {
    const orgId = newId('organization');
    await t.db.organization.create({ data: { id: orgId, name: 'o', slug: orgId.replace('_', '-') } });
    const deployment = async () => {
      const id = newId('deployment');
      await t.db.deployment.create({ data: { id, orgId, name: 'd', modelName: id.toLowerCase(), modelSource: 'huggingface', modelRepo: 'o/m-GGUF', modelFile: 'm.gguf', upstreamSecret: 'x' } });
      return id;
    };
    const apiKey = async () => {
      const id = newId('apiKey');
      await t.db.apiKey.create({ data: { id, orgId, name: 'k', prefix: 'gguf_x', hash: randomBytes(32).toString('hex') } });
      return id;
    };
    const [live, gone] = [await deployment(), await deployment()];
    const [kept, revoked] = [await apiKey(), await apiKey()];
    const entry = (apiKeyId: string, deploymentId: string, tokens: number) =>
      encodeEntry([{ usage: { apiKeyId, deploymentId, orgId, modelName: 'qwen', inputTokens: tokens, outputTokens: tokens }, at: Date.now() }]);

    const stream = `test:${randomBytes(6).toString('hex')}:usage`;
    await redis.xadd(stream, '*', 'u', entry(kept, live, 3));
    await redis.xadd(stream, '*', 'u', entry(revoked, live, 5));
    await redis.xadd(stream, '*', 'u', entry(kept, gone, 7));
    await redis.xadd(stream, '*', 'u', entry(kept, live, 11));
    await t.db.apiKey.delete({ where: { id: revoked } });
    await t.db.deployment.delete({ where: { id: gone } });

    const connection = redis.duplicate();
    consumer = new UsageConsumer(connection, t.db, stream, new Budgets(connection, t.db, stream, logger), logger, { batch: 100, intervalMs: 20, claimIdleMs: 60_000, lastUsedIntervalMs: 0 });
    consumer.start();
    await eventually(async () => (await redis.xlen(stream)) === 0, 15_000);
    const rows = await t.db.usageHourly.findMany({ where: { orgId } });
    expect(rows.map((r) => [r.apiKeyId, r.deploymentId, r.requests, r.inputTokens])).toEqual([[kept, live, 2n, 14n]]);
    await consumer.close();
    await closeRedis(connection);
    consumer = undefined;
  });
});
