import Anthropic from '@anthropic-ai/sdk';
import { publishApiKeyChanged, publishOrganizationChanged } from '@gguf/redis';
import OpenAI from 'openai';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@gguf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from './gateway';
import { eventually } from './test/eventually';
import { type Harness, startHarness } from './test/harness';

let h: Harness;
/** How long a test waits for a pushed change to reach the gateway: a bound for a broken push, not a speed claim. */
const PUSHED = 30_000;

beforeAll(async () => {
  h = await startHarness({ GATEWAY_KEY_RPM: '5', GATEWAY_ORG_RPM: '1000', GATEWAY_KEY_MAX_STREAMS: '0', GATEWAY_ORG_MAX_STREAMS: '0' });
});
afterAll(() => h?.close());

type KeyLimits = { rateLimitRpm?: number | null; maxConcurrentStreams?: number | null };

async function setup(limits: { rateLimitRpm?: number; maxConcurrentStreams?: number } = {}, keyLimits: KeyLimits = {}) {
  const orgId = await h.createOrg(limits);
  const deploymentId = await h.createDeployment(orgId);
  const { key, id, hash } = await h.createKey(orgId);
  await h.db.apiKey.update({ where: { id }, data: keyLimits });
  /** Changes the key's limits as PATCH /api/v1/api-keys/{id} does: the row, then the notification. */
  const changeKey = async (data: KeyLimits) => {
    await h.db.apiKey.update({ where: { id }, data });
    await publishApiKeyChanged(h.redis, { kind: 'updated', apiKeyId: id, hash });
  };
  return { orgId, deploymentId, key, changeKey };
}

const message = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message;

const models = (key: string, deploymentId: string) => fetch(`${h.deploymentUrl(deploymentId)}/v1/models`, { headers: { authorization: `Bearer ${key}` } });

describe('requests per minute', () => {
  it('applies the organization’s limit, counting down in x-ratelimit-* headers, then 429 in each protocol', async () => {
    const { orgId, deploymentId, key } = await setup({ rateLimitRpm: 3 });
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const res = await models(key, deploymentId);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit-requests')).toBe('3');
      remaining.push(res.headers.get('x-ratelimit-remaining-requests'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await models(key, deploymentId);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } });

    const openai = new OpenAI({ apiKey: key, baseURL: `${h.deploymentUrl(deploymentId)}/v1`, maxRetries: 0 });
    await expect(openai.models.list()).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    const anthropic = new Anthropic({ apiKey: key, baseURL: h.deploymentUrl(deploymentId), maxRetries: 0 });
    const error = await anthropic.messages.create({ model: 'local', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect((error as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });

    // Raising the limit is pushed to the gateway like any other change.
    await h.db.organization.update({ where: { id: orgId }, data: { rateLimitRpm: 100 } });
    await publishOrganizationChanged(h.redis, { kind: 'updated', orgId });
    await eventually(async () => (await models(key, deploymentId)).status === 200, PUSHED);
  });

  it('applies the per-key limit from the environment', async () => {
    const { deploymentId, key } = await setup();
    for (let i = 0; i < 5; i++) expect((await models(key, deploymentId)).status).toBe(200);
    const refused = await models(key, deploymentId);
    expect(refused.status).toBe(429);
    expect(await message(refused)).toContain('API key');
  });
});

describe('a key’s own limits', () => {
  it('replace the per-key default, under the organization’s limit, and a change reaches the gateway', async () => {
    const own = await setup({}, { rateLimitRpm: 2 });
    for (let i = 0; i < 2; i++) expect((await models(own.key, own.deploymentId)).status).toBe(200);
    const refused = await models(own.key, own.deploymentId);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(await message(refused)).toContain('API key');

    // Above the platform's per-key default (5) for this key, yet its organization's limit (3) still applies.
    const generous = await setup({ rateLimitRpm: 3 }, { rateLimitRpm: 50 });
    for (let i = 0; i < 3; i++) expect((await models(generous.key, generous.deploymentId)).status).toBe(200);
    const byOrg = await models(generous.key, generous.deploymentId);
    expect(byOrg.status).toBe(429);
    expect(await message(byOrg)).toContain('organization');

    await own.changeKey({ rateLimitRpm: 100 });
    await eventually(async () => (await models(own.key, own.deploymentId)).status === 200, PUSHED);
    // Back to no limit of its own: the platform's default (5 a minute) applies again, and 3 were used already.
    await own.changeKey({ rateLimitRpm: null });
    await eventually(async () => (await models(own.key, own.deploymentId)).status === 429, PUSHED);
  });

  it('limit the key’s concurrent streams', async () => {
    const { deploymentId, key, changeKey } = await setup({}, { maxConcurrentStreams: 1 });
    const openai = new OpenAI({ apiKey: key, baseURL: `${h.deploymentUrl(deploymentId)}/v1`, maxRetries: 0 });
    // Slow enough (a token a second) to run until the end of the test, which aborts it.
    const slow = await openai.chat.completions.create(
      { model: 'local', messages: [{ role: 'user', content: 'one two three four five six' }], stream: true },
      { headers: { 'x-fake-token-delay-ms': '1000' } },
    );
    const iterator = slow[Symbol.asyncIterator]();
    await iterator.next();
    const error = await openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'hi' }], stream: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).message).toContain('concurrent streams for this API key');
    // Another key of the same organization is not held by this key's limit.
    const other = await h.createKey((await h.db.deployment.findUniqueOrThrow({ where: { id: deploymentId } })).orgId);
    const otherClient = new OpenAI({ apiKey: other.key, baseURL: `${h.deploymentUrl(deploymentId)}/v1`, maxRetries: 0 });
    for await (const _ of await otherClient.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'hi' }], stream: true }));
    // Raised while the first stream runs: a second one is admitted.
    await changeKey({ maxConcurrentStreams: 2 });
    await eventually(async () => {
      const stream = await openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'hi' }], stream: true }).catch(() => undefined);
      if (!stream) return false;
      for await (const _ of stream);
      return true;
    }, PUSHED);
    // The second stream was admitted beside the first, not after it.
    await eventually(() => h.fake.stats().active === 1);
    slow.controller.abort();
  });
});

describe('several gateway instances', () => {
  it('share request counts through Redis', async () => {
    const { deploymentId, key } = await setup({ rateLimitRpm: 4 });
    const second = await createGateway({ db: h.db, redis: h.redis, env: h.gateway.context.env, logger: createLogger('gateway-test', 'silent') });
    second.server.listen(0, '127.0.0.1');
    await once(second.server, 'listening');
    const secondUrl = `http://127.0.0.1:${(second.server.address() as AddressInfo).port}/api/gguf/${deploymentId}/v1/models`;
    const viaSecond = () => fetch(secondUrl, { headers: { authorization: `Bearer ${key}` } });
    try {
      expect((await models(key, deploymentId)).status).toBe(200);
      expect((await models(key, deploymentId)).status).toBe(200);
      expect((await models(key, deploymentId)).status).toBe(200);
      // The second instance learns the first one's three requests from the reply to its own first one.
      expect((await viaSecond()).status).toBe(200);
      await eventually(async () => (await viaSecond()).status === 429);
    } finally {
      await second.close();
    }
  });
});

describe('concurrent streams', () => {
  it('refuses a stream over the organization’s limit and frees the slot when a stream ends', async () => {
    const { deploymentId, key } = await setup({ maxConcurrentStreams: 1 });
    const openai = new OpenAI({ apiKey: key, baseURL: `${h.deploymentUrl(deploymentId)}/v1`, maxRetries: 0 });
    const slow = await openai.chat.completions.create(
      { model: 'local', messages: [{ role: 'user', content: 'one two three four five six' }], stream: true },
      { headers: { 'x-fake-token-delay-ms': '50' } },
    );
    const iterator = slow[Symbol.asyncIterator]();
    await iterator.next();
    await expect(openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'hi' }], stream: true })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    // Non-streamed requests do not count against the stream limit.
    await expect(openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'hi' }] })).resolves.toMatchObject({ object: 'chat.completion' });
    while (!(await iterator.next()).done);
    await eventually(async () => {
      const stream = await openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'hi' }], stream: true }).catch(() => undefined);
      if (!stream) return false;
      for await (const _ of stream);
      return true;
    });
  });
});
