import Anthropic from '@anthropic-ai/sdk';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@gguf/core';
import { freePort, type LocalRedis, startLocalRedis } from '@gguf/local-services';
import { publishApiKeyChanged } from '@gguf/redis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from './gateway';
import { budgetMonth } from './limits/budget-month';
import { eventually } from './test/eventually';
import { type Harness, startHarness } from './test/harness';

/**
 * Monthly token budgets on two gateway instances sharing a Redis of this test's own (the suite's Redis is
 * shared by every test file, and this one is stopped and started again), and usage while Redis is down.
 */
let dataDir: string;
let port: number;
let redis: LocalRedis;
let h: Harness;
const gateways: Gateway[] = [];
const logger = createLogger('budgets-test', 'silent');

async function startGateway(): Promise<string> {
  const gateway = await createGateway({ db: h.db, redis: h.redis, env: h.gateway.context.env, logger });
  gateways.push(gateway);
  gateway.server.listen(0, '127.0.0.1');
  await once(gateway.server, 'listening');
  return `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gguf-budgets-'));
  port = await freePort();
  redis = await startLocalRedis({ dataDir, port });
  h = await startHarness({ REDIS_URL: redis.url, GATEWAY_KEY_RPM: '0', GATEWAY_ORG_RPM: '0', GATEWAY_KEY_MAX_STREAMS: '0', GATEWAY_ORG_MAX_STREAMS: '0' });
}, 60_000);
afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  await h?.close();
  await redis?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function keyWithBudget(tokenBudget: number | null) {
  const { key, id, hash } = await h.createKey(h.orgId);
  await h.db.apiKey.update({ where: { id }, data: { tokenBudget } });
  const setBudget = async (budget: number | null) => {
    await h.db.apiKey.update({ where: { id }, data: { tokenBudget: budget } });
    await publishApiKeyChanged(h.redis, { kind: 'updated', apiKeyId: id, hash });
  };
  return { key, id, setBudget };
}

/** Requests answered 200, by key: each is metered once (whichever way its usage goes). */
const answered = new Map<string, number>();

/** One small chat completion; its status. */
async function chat(baseUrl: string, key: string): Promise<number> {
  const res = await fetch(`${baseUrl}/api/gguf/${h.deploymentId}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'Count to three' }], max_tokens: 8 }),
  });
  await res.arrayBuffer();
  if (res.status === 200) answered.set(key, (answered.get(key) ?? 0) + 1);
  return res.status;
}

async function tokensInPostgres(apiKeyId: string): Promise<number> {
  const rows = await h.db.usageHourly.findMany({ where: { apiKeyId } });
  return rows.reduce((sum, row) => sum + Number(row.inputTokens + row.outputTokens), 0);
}

async function requestsInPostgres(apiKeyId: string): Promise<number> {
  const rows = await h.db.usageHourly.findMany({ where: { apiKeyId } });
  return rows.reduce((sum, row) => sum + Number(row.requests), 0);
}

const refusedEverywhere = (urls: string[], key: string) => eventually(async () => (await Promise.all(urls.map((url) => chat(url, key)))).every((status) => status === 429), 15_000);

describe('token budgets', () => {
  it('refuse a key once it has spent its budget, on two instances at once, again after Redis restarts, until the budget is raised', { timeout: 120_000 }, async () => {
    const first = h.url;
    const second = await startGateway();
    const { key, id, setBudget } = await keyWithBudget(100);

    // Spent through both instances alternately, until one refuses.
    const statuses: number[] = [];
    for (let i = 0; i < 40 && statuses.at(-1) !== 429; i++) statuses.push(await chat(i % 2 === 0 ? first : second, key));
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(1);
    // The other instance may admit a request more before it hears the count (see docs/gateway.md); then both refuse.
    await refusedEverywhere([first, second], key);
    await eventually(async () => (await requestsInPostgres(id)) === answered.get(key), 15_000).catch(() => undefined);
    expect(await requestsInPostgres(id)).toBe(answered.get(key));
    expect(await tokensInPostgres(id)).toBeGreaterThanOrEqual(100);

    // In each protocol's shape, naming the budget and when it starts over.
    const resetsAt = new Date(budgetMonth(Date.now()).next).toISOString();
    const openai = new OpenAI({ apiKey: key, baseURL: `${second}/api/gguf/${h.deploymentId}/v1`, maxRetries: 0 });
    const refused = await openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const error = refused as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error.code).toBe('token_budget_exceeded');
    expect(error.message).toContain('monthly token budget of 100 tokens');
    expect(error.message).toContain(resetsAt);
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThan(0);
    const anthropic = new Anthropic({ apiKey: key, baseURL: `${first}/api/gguf/${h.deploymentId}`, maxRetries: 0 });
    const anthropicRefusal = await anthropic.messages.create({ model: 'local', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(anthropicRefusal).toBeInstanceOf(Anthropic.RateLimitError);
    expect((anthropicRefusal as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', message: expect.stringContaining(resetsAt) } });

    // Redis loses everything (the counters included): both instances, and one started afterwards, still refuse,
    // from counters rebuilt from usage_hourly.
    await redis.stop();
    await refusedEverywhere([first, second], key);
    redis = await startLocalRedis({ dataDir, port });
    const third = await startGateway();
    await refusedEverywhere([first, second, third], key);
    const counter = `${h.gateway.context.env.GATEWAY_RATE_LIMIT_PREFIX}:budget:${budgetMonth(Date.now()).label}:${id}`;
    await eventually(async () => (await h.redis.get(counter)) === String(await tokensInPostgres(id)), 15_000);

    // A larger budget (PATCH /api/v1/api-keys/{id}) is heard at once.
    await setBudget(1_000_000);
    await eventually(async () => (await Promise.all([first, second, third].map((url) => chat(url, key)))).every((status) => status === 200), 15_000);
  });

  it('count usage written straight to Postgres while Redis is down, lose none of it, and rebuild the budget counters it went past', { timeout: 120_000 }, async () => {
    // A Redis that keeps its data across the outage (append-only file), so the counter comes back, out of date.
    await redis.stop();
    redis = await startLocalRedis({ dataDir, port, persistent: true });
    const { key, id } = await keyWithBudget(1_000_000);
    const counter = `${h.gateway.context.env.GATEWAY_RATE_LIMIT_PREFIX}:budget:${budgetMonth(Date.now()).label}:${id}`;
    /** Requests until every answered one is in usage_hourly and the key's counter (rebuilt once the gateway's connections are back) agrees with it. */
    const inStep = () =>
      eventually(async () => {
        expect(await chat(h.url, key)).toBe(200);
        await eventually(async () => (await requestsInPostgres(id)) === answered.get(key), 15_000);
        return (await h.redis.get(counter)) === String(await tokensInPostgres(id));
      }, 30_000);
    await inStep();

    await redis.stop();
    for (let i = 0; i < 10; i++) expect(await chat(h.url, key)).toBe(200);
    await eventually(async () => (await requestsInPostgres(id)) === answered.get(key), 15_000);

    // The counter Redis brings back missed the outage's usage: it is dropped, and rebuilt from usage_hourly.
    redis = await startLocalRedis({ dataDir, port, persistent: true });
    await inStep();
  });
});
