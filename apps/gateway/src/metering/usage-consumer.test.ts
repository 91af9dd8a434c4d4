import { randomBytes } from 'node:crypto';
import { createLogger, newId } from '@gguf/core';
import { closeRedis, createRedis, type Redis } from '@gguf/redis';
import { createTestDatabase, type TestDatabase, testEnv } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../test/eventually';
import { type ConsumerCommands, MARK_SCRIPT } from './consumer-scripts';
import { Budgets } from '../limits/budgets';
import { budgetMonth } from '../limits/budget-month';
import { UsageConsumer } from './usage-consumer';
import { encodeEntry } from './usage-stream';

/**
 * The stream's consumer against real Redis and Postgres, including the failures it exists for: a consumer
 * that died holding entries, one that died after its commit but before its acknowledgement, and one whose
 * transaction is still running when another looks at its entries.
 */
const logger = createLogger('usage-consumer-test', 'silent');
let t: TestDatabase;
let redis: Redis;
let keyId: string;
let deploymentId: string;
let orgId: string;
const consumers: UsageConsumer[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  redis = createRedis(testEnv('redisUrl'), 'usage-consumer-test');
  orgId = newId('organization');
  await t.db.organization.create({ data: { id: orgId, name: 'o', slug: orgId.replace('_', '-') } });
  deploymentId = newId('deployment');
  await t.db.deployment.create({
    data: { id: deploymentId, orgId, name: 'd', modelName: 'd', modelSource: 'huggingface', modelRepo: 'o/m-GGUF', modelFile: 'm.gguf', upstreamSecret: 'x' },
  });
  keyId = newId('apiKey');
  await t.db.apiKey.create({ data: { id: keyId, orgId, name: 'k', prefix: 'gguf_x', hash: randomBytes(32).toString('hex') } });
});
afterAll(async () => {
  for (const consumer of consumers) await consumer.close();
  await closeRedis(redis);
  await t.drop();
});

const stream = () => `test:${randomBytes(6).toString('hex')}:usage`;
const usage = (inputTokens: number) => encodeEntry([{ usage: { apiKeyId: keyId, deploymentId, orgId, modelName: 'qwen', inputTokens, outputTokens: 1 }, at: Date.now() }]);

/** The budget counter of the test's key this month, in the stream's namespace. */
const counterOf = (key: string) => `${key}:budget:${budgetMonth(Date.now()).label}:${keyId}`;

function consumer(key: string, claimIdleMs = 60_000): UsageConsumer {
  const connection = redis.duplicate();
  const budgets = new Budgets(connection, t.db, key, logger);
  const started = new UsageConsumer(connection, t.db, key, budgets, logger, { batch: 100, intervalMs: 20, claimIdleMs, lastUsedIntervalMs: 0 });
  consumers.push(started);
  started.start();
  return started;
}

async function metered(): Promise<{ requests: number; input: number }> {
  const rows = await t.db.usageHourly.findMany({ where: { apiKeyId: keyId } });
  return { requests: rows.reduce((n, r) => n + Number(r.requests), 0), input: rows.reduce((n, r) => n + Number(r.inputTokens), 0) };
}

/** What a consumer that died right after reading would leave: entries pending for it, nothing written. */
async function readAsDeadConsumer(key: string, entries: number): Promise<string[]> {
  await redis.call('XGROUP', 'CREATE', key, 'usage-writers', '0', 'MKSTREAM');
  const ids: string[] = [];
  for (let i = 0; i < entries; i++) ids.push((await redis.xadd(key, '*', 'u', usage(10)))!);
  await redis.call('XREADGROUP', 'GROUP', 'usage-writers', 'dead', 'COUNT', entries, 'STREAMS', key, '>');
  return ids;
}

describe('UsageConsumer', () => {
  it('writes each entry once with several consumers, counts its tokens once in the budget counter, and empties the stream', async () => {
    const before = await metered();
    const key = stream();
    await redis.set(counterOf(key), 7);
    consumer(key);
    consumer(key);
    for (let i = 0; i < 50; i++) await redis.xadd(key, '*', 'u', usage(2));
    await eventually(async () => (await metered()).requests - before.requests === 50);
    expect((await metered()).input - before.input).toBe(100);
    await eventually(async () => (await redis.xlen(key)) === 0);
    expect(await redis.get(counterOf(key))).toBe(String(7 + 50 * 3));
    expect((await t.db.apiKey.findUniqueOrThrow({ where: { id: keyId } })).lastUsedAt).not.toBeNull();
  });

  it('takes over what a dead consumer had read', async () => {
    const before = await metered();
    const key = stream();
    await readAsDeadConsumer(key, 3);
    consumer(key, 200);
    await eventually(async () => (await metered()).requests - before.requests === 3);
    await eventually(async () => (await redis.xlen(key)) === 0);
  });

  it('only acknowledges entries whose transaction committed before their consumer died', async () => {
    const key = stream();
    const ids = await readAsDeadConsumer(key, 2);
    // The dead consumer's transaction: marked, then committed (its writes are in Postgres), never acknowledged.
    await t.db.$transaction(async (tx) => {
      const [{ xid }] = (await tx.$queryRaw<{ xid: string }[]>`SELECT pg_current_xact_id()::text AS xid`) as [{ xid: string }];
      for (const id of ids) await redis.hset(`${key}:markers`, id, xid);
    });
    const before = await metered();
    await redis.set(counterOf(key), 0);
    consumer(key, 200);
    await eventually(async () => (await redis.xlen(key)) === 0);
    expect(await metered()).toEqual(before);
    expect(await redis.hlen(`${key}:markers`)).toBe(0);
    // Counted in the budget when acknowledged, which the dead consumer never did.
    expect(await redis.get(counterOf(key))).toBe('22');
  });

  it('leaves entries to a transaction still running, and writes them once it aborted', async () => {
    const key = stream();
    const ids = await readAsDeadConsumer(key, 2);
    const before = await metered();
    let abort: () => void = () => undefined;
    const running = t.db
      .$transaction(async (tx) => {
        const [{ xid }] = (await tx.$queryRaw<{ xid: string }[]>`SELECT pg_current_xact_id()::text AS xid`) as [{ xid: string }];
        for (const id of ids) await redis.hset(`${key}:markers`, id, xid);
        await new Promise<void>((resolve) => (abort = resolve));
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    await eventually(async () => (await redis.hlen(`${key}:markers`)) === 2);
    consumer(key, 200);
    // Taken over (the dead consumer owns nothing now), but not written while its transaction may still commit.
    await eventually(async () => ((await redis.call('XPENDING', key, 'usage-writers', '-', '+', 10, 'dead')) as unknown[]).length === 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await metered()).toEqual(before);
    abort();
    await running;
    await eventually(async () => (await metered()).requests - before.requests === 2);
    await eventually(async () => (await redis.xlen(key)) === 0);
  });

  it('starts over when Redis lost the stream and its group', async () => {
    const before = await metered();
    const key = stream();
    consumer(key);
    await redis.xadd(key, '*', 'u', usage(1));
    await eventually(async () => (await metered()).requests - before.requests === 1);
    await redis.del(key, `${key}:markers`);
    await redis.xadd(key, '*', 'u', usage(1));
    await eventually(async () => (await metered()).requests - before.requests === 2);
  });
});

describe('MARK_SCRIPT', () => {
  it('marks entries only for the consumer that still owns all of them', async () => {
    const key = stream();
    const ids = await readAsDeadConsumer(key, 2);
    const connection = redis.duplicate();
    connection.defineCommand('ggufUsageMark', { numberOfKeys: 2, lua: MARK_SCRIPT });
    const mark = (name: string) => (connection as Redis & ConsumerCommands).ggufUsageMark(key, `${key}:markers`, 'usage-writers', name, '42', ...ids);
    expect(await mark('dead')).toBe(1);
    await redis.del(`${key}:markers`);
    // Another consumer took one of them over: the first one may no longer mark (and so may not commit).
    await redis.call('XCLAIM', key, 'usage-writers', 'alive', 0, ids[1]!);
    expect(await mark('dead')).toBe(0);
    expect(await redis.hlen(`${key}:markers`)).toBe(0);
    await closeRedis(connection);
  });
});
