import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { createLogger } from '@gguf/core';
import { type GatewayEnv } from './env';
import type { Database } from '@gguf/db';
import { freePort, type LocalRedis, startLocalRedis } from '@gguf/local-services';
import { closeRedis, createRedis, type Redis } from '@gguf/redis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from './gateway';
import { eventually } from './test/eventually';
import { type Harness, startHarness } from './test/harness';
import { type StoppablePostgres, stoppablePostgres } from './test/stoppable-postgres';

/**
 * docs/gateway.md, "Usage that survives a crash": usage of requests answered while Postgres is down is kept
 * (in the Redis stream, or in memory while Redis is down too) and written once Postgres is back, exactly once;
 * a gateway that shuts down writes what it holds. Each gateway here reaches Postgres through a relay this test
 * stops and restores, and has a Redis key prefix of its own, so only it writes its usage.
 */
const logger = createLogger('metering-outage-test', 'silent');
let h: Harness;
let pg: StoppablePostgres;
let dataDir: string;
let ownRedis: LocalRedis;
const opened: { gateway: Gateway; redis?: Redis }[] = [];

beforeAll(async () => {
  h = await startHarness({ GATEWAY_KEY_RPM: '0', GATEWAY_ORG_RPM: '0', GATEWAY_KEY_MAX_STREAMS: '0', GATEWAY_ORG_MAX_STREAMS: '0' });
  pg = await stoppablePostgres(h.gateway.context.env.DATABASE_URL);
  dataDir = await mkdtemp(join(tmpdir(), 'gguf-metering-outage-'));
  ownRedis = await startLocalRedis({ dataDir, port: await freePort() });
}, 60_000);
afterAll(async () => {
  for (const { gateway, redis } of opened) {
    await gateway.close();
    if (redis) await closeRedis(redis);
  }
  await pg?.close();
  await h?.close();
  await ownRedis?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A gateway on `db`, with a usage stream of its own; `redisUrl` when it should use a Redis other than the suite's. */
async function startGateway(db: Database, overrides: Partial<GatewayEnv> = {}, redisUrl?: string) {
  const env: GatewayEnv = { ...h.gateway.context.env, GATEWAY_RATE_LIMIT_PREFIX: `test:${randomBytes(6).toString('hex')}`, ...overrides };
  const redis = redisUrl ? createRedis(redisUrl, 'metering-outage-test') : undefined;
  const gateway = await createGateway({ db, redis: redis ?? h.redis, env, logger });
  opened.push({ gateway, redis });
  gateway.server.listen(0, '127.0.0.1');
  await once(gateway.server, 'listening');
  const url = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}/api/gguf/${h.deploymentId}`;
  return { gateway, url, stream: `${env.GATEWAY_RATE_LIMIT_PREFIX}:usage` };
}

interface Totals {
  requests: number;
  input: number;
  output: number;
}

/**
 * Sends requests of every metered kind (OpenAI plain and streamed, Anthropic plain and streamed) and adds
 * what each caller was told it used to `expected`.
 */
async function traffic(baseUrl: string, key: string, rounds: number, expected: Totals): Promise<void> {
  const openai = new OpenAI({ apiKey: key, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
  const anthropic = new Anthropic({ apiKey: key, baseURL: baseUrl, maxRetries: 0 });
  const add = (input: number, output: number) => {
    expected.requests++;
    expected.input += input;
    expected.output += output;
  };
  const anthropicInput = (u: Anthropic.Usage) => u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);
  for (let i = 0; i < rounds; i++) {
    const content = `Round ${i}: name a colour`;
    const completion = await openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content }], max_tokens: 12 });
    add(completion.usage!.prompt_tokens, completion.usage!.completion_tokens);
    const stream = await openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content }], max_tokens: 12, stream: true, stream_options: { include_usage: true } });
    let streamed: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) streamed = chunk.usage ?? streamed;
    add(streamed!.prompt_tokens, streamed!.completion_tokens);
    const message = await anthropic.messages.create({ model: 'local', max_tokens: 12, messages: [{ role: 'user', content }] });
    add(anthropicInput(message.usage), message.usage.output_tokens);
    const final = await anthropic.messages.stream({ model: 'local', max_tokens: 12, messages: [{ role: 'user', content }] }).finalMessage();
    add(anthropicInput(final.usage), final.usage.output_tokens);
  }
}

async function metered(apiKeyId: string): Promise<Totals> {
  const sums = await h.db.usageHourly.aggregate({ where: { apiKeyId }, _sum: { requests: true, inputTokens: true, outputTokens: true } });
  return { requests: Number(sums._sum.requests ?? 0), input: Number(sums._sum.inputTokens ?? 0), output: Number(sums._sum.outputTokens ?? 0) };
}

const none = (): Totals => ({ requests: 0, input: 0, output: 0 });

describe('usage while Postgres is down', () => {
  it('stays in the usage stream and is written exactly once when Postgres is back', { timeout: 120_000 }, async () => {
    const { url, stream } = await startGateway(pg.db);
    const { key, id } = await h.createKey(h.orgId);
    const expected = none();
    // Before the outage: also fills the gateway's caches, so the key is known while Postgres is away.
    await traffic(url, key, 2, expected);
    await eventually(async () => (await metered(id)).requests === expected.requests, 15_000);

    await pg.stop();
    await traffic(url, key, 5, expected);
    // Answered, and waiting in Redis: the consumer cannot write it.
    expect(await h.redis.xlen(stream)).toBeGreaterThan(0);
    expect((await metered(id)).requests).toBeLessThan(expected.requests);

    await pg.restore();
    await eventually(async () => (await h.redis.xlen(stream)) === 0, 30_000);
    // The stream is empty: everything was moved, and nothing is left to be counted again.
    expect(await metered(id)).toEqual(expected);
    expect(expected.output).toBeGreaterThan(0);
  });

  it('is summed in memory while Redis is down too, retried, and written once Postgres is back', { timeout: 120_000 }, async () => {
    const { url } = await startGateway(pg.db, {}, ownRedis.url);
    const { key, id } = await h.createKey(h.orgId);
    const expected = none();
    await traffic(url, key, 1, expected);
    await eventually(async () => (await metered(id)).requests === expected.requests, 15_000);

    await ownRedis.stop();
    await pg.stop();
    try {
      await traffic(url, key, 4, expected);
      expect((await metered(id)).requests).toBeLessThan(expected.requests);
    } finally {
      await pg.restore();
    }
    await eventually(async () => (await metered(id)).requests === expected.requests, 30_000);
    expect(await metered(id)).toEqual(expected);
    ownRedis = await startLocalRedis({ dataDir, port: Number(new URL(ownRedis.url).port) });
  });
});

describe('usage at shutdown', () => {
  it('is in usage_hourly once gateway.close() returns, right after a request', { timeout: 60_000 }, async () => {
    // The consumer would otherwise wait a minute before it reads the stream.
    const { gateway, url } = await startGateway(h.db, { GATEWAY_METER_FLUSH_MS: 60_000 });
    const { key, id } = await h.createKey(h.orgId);
    const expected = none();
    await traffic(url, key, 1, expected);
    await gateway.close();
    expect(await metered(id)).toEqual(expected);
  });

  it('is in usage_hourly once gateway.close() returns while Redis is down (written straight to Postgres)', { timeout: 60_000 }, async () => {
    const { gateway, url } = await startGateway(h.db, { GATEWAY_METER_FLUSH_MS: 60_000, GATEWAY_METER_FLUSH_ROWS: 10_000 }, ownRedis.url);
    const { key, id } = await h.createKey(h.orgId);
    const expected = none();
    // Postgres answers here, so the key needs no warm cache; usage in the stream would be lost with this Redis.
    await ownRedis.stop();
    try {
      await traffic(url, key, 2, expected);
      await gateway.close();
    } finally {
      ownRedis = await startLocalRedis({ dataDir, port: Number(new URL(ownRedis.url).port) });
    }
    expect(await metered(id)).toEqual(expected);
  });

  it('is left in the stream when Postgres is down, and written by the next gateway to start', { timeout: 90_000 }, async () => {
    const claim = { GATEWAY_USAGE_CLAIM_MS: 500 };
    const first = await startGateway(pg.db, claim);
    const { key, id } = await h.createKey(h.orgId);
    const expected = none();
    await traffic(first.url, key, 1, expected);
    await eventually(async () => (await metered(id)).requests === expected.requests, 15_000);
    await pg.stop();
    await traffic(first.url, key, 2, expected);
    await first.gateway.close();
    await pg.restore();
    expect(await h.redis.xlen(first.stream)).toBeGreaterThan(0);

    const next = await startGateway(pg.db, { ...claim, GATEWAY_RATE_LIMIT_PREFIX: first.gateway.context.env.GATEWAY_RATE_LIMIT_PREFIX });
    await eventually(async () => (await h.redis.xlen(next.stream)) === 0, 30_000);
    expect(await metered(id)).toEqual(expected);
  });
});
