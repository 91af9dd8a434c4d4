import { hashApiKey, hashPassword, newId } from '@gguf/core';
import { CHANNELS, closeRedis, createRedis } from '@gguf/redis';
import { testEnv } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, WEB_URL } from '../../../../lib/testing/api-harness';
import * as deployments from '../deployments/route';
import * as one from './[id]/route';
import * as collection from './route';

/** A key's allowed models, limits and monthly token budget: set at creation, changed with PATCH, read with GET. */
let h: ApiHarness;
let tenant: Awaited<ReturnType<ApiHarness['createTenant']>>;
let dep: string;

beforeAll(async () => {
  h = await createApiHarness();
  tenant = await h.createTenant({ name: 'Limits' });
  dep = (await h.call(deployments.POST, '', { method: 'POST', headers: tenant.auth, body: { name: 'd', model: { source: 'local', path: 'm.gguf' }, gpu: { count: 0 } } })).json.id;
});
afterAll(() => h.close());

const post = (body: unknown) => h.call(collection.POST, '/api/v1/api-keys', { method: 'POST', headers: tenant.auth, body });
const get = (id: string, headers: Record<string, string> = tenant.auth) => h.call(one.GET, '', { headers, params: { id } });
const patch = (id: string, body: unknown, headers: Record<string, string> = tenant.auth) => h.call(one.PATCH, '', { method: 'PATCH', headers, params: { id }, body });

describe('creating a key with limits', () => {
  it('stores allowed models (names, globs, deployment ids; each once, in order) and limits, and shows them', async () => {
    const res = await post({ name: 'limited', allowed_models: ['qwen-coder', 'claude-*', dep, 'qwen-coder'], rate_limit_rpm: 60, max_concurrent_streams: 2, token_budget: 5_000_000_000 });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ allowed_models: ['qwen-coder', 'claude-*', dep], rate_limit_rpm: 60, max_concurrent_streams: 2, token_budget: 5_000_000_000, usage_this_month: 0 });
    const row = await h.db.apiKey.findUniqueOrThrow({ where: { id: res.json.id } });
    expect(row).toMatchObject({ allowedModels: ['qwen-coder', 'claude-*', dep], rateLimitRpm: 60, maxConcurrentStreams: 2, tokenBudget: 5_000_000_000n });
    expect((await get(res.json.id)).json).toEqual({ ...res.json, key: undefined });
    const audit = await h.db.auditLog.findFirstOrThrow({ where: { targetId: res.json.id, action: 'api_key.create' } });
    expect(audit.details).toMatchObject({ allowed_models: ['qwen-coder', 'claude-*', dep], rate_limit_rpm: 60, max_concurrent_streams: 2, token_budget: 5_000_000_000 });
  });

  it.each([
    [{ allowed_models: ['Qwen'] }, 'allowed_models.0', /model name, a "\*" glob or a deployment id/],
    [{ allowed_models: ['ok', '*'] }, 'allowed_models.1', /default deployment/],
    [{ allowed_models: ['a b'] }, 'allowed_models.0', /lower-case/],
    [{ allowed_models: Array.from({ length: 101 }, (_, i) => `m${i}`) }, 'allowed_models', /at most 100/],
    [{ rate_limit_rpm: 0 }, 'rate_limit_rpm', /at least 1/],
    [{ rate_limit_rpm: 1.5 }, 'rate_limit_rpm', /whole number/],
    [{ max_concurrent_streams: 100_001 }, 'max_concurrent_streams', /at most 100000/],
    [{ token_budget: 0 }, 'token_budget', /at least 1/],
    [{ token_budget: 2e15 }, 'token_budget', /at most 1000000000000000/],
    [{ token_budget: 1e16 }, 'token_budget', /whole number/],
    [{ token_budget: '1000' }, 'token_budget', /number/],
  ])('refuses %j with 400 naming the field', async (fields, param, message) => {
    const res = await post({ name: 'bad', ...fields });
    expect(res.status).toBe(400);
    expect(res.json.error.param).toBe(param);
    expect(res.json.error.message).toMatch(message);
  });

  it("answers 404 naming the entry for a deployment id that is missing, deleted or another organization's", async () => {
    const other = await h.createTenant({ name: 'Other' });
    const theirs = (await h.call(deployments.POST, '', { method: 'POST', headers: other.auth, body: { name: 'theirs', model: { source: 'local', path: 'm.gguf' }, gpu: { count: 0 } } })).json.id;
    const missing = newId('deployment');
    const foreign = await post({ name: 'x', allowed_models: ['fine', theirs] });
    const absent = await post({ name: 'x', allowed_models: ['fine', missing] });
    expect(foreign.status).toBe(404);
    expect(foreign.json.error).toMatchObject({ type: 'not_found', param: 'allowed_models.1' });
    const mask = (text: string, id: string) => text.replaceAll(id, '<id>').replace(/req_[0-9a-z]+/g, '<request>');
    expect(mask(foreign.text, theirs)).toBe(mask(absent.text, missing));
    expect(await h.db.apiKey.count({ where: { orgId: tenant.orgId, name: 'x' } })).toBe(0);
  });
});

describe('PATCH /api/v1/api-keys/{id}', () => {
  it('changes the name, allowed models and limits, audits the values without secrets, and tells the gateways', async () => {
    const { json: created } = await post({ name: 'before', rate_limit_rpm: 10 });
    const subscriber = createRedis(testEnv('redisUrl'), 'test-sub');
    await subscriber.subscribe(CHANNELS.apiKeys);
    const messages: unknown[] = [];
    subscriber.on('message', (_channel, message: string) => messages.push(JSON.parse(message)));

    const res = await patch(created.id, { name: 'after', allowed_models: [dep, 'gpt-*'], max_concurrent_streams: 4, token_budget: 1000 });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: created.id, name: 'after', allowed_models: [dep, 'gpt-*'], rate_limit_rpm: 10, max_concurrent_streams: 4, token_budget: 1000 });
    expect(res.json.key).toBeUndefined();
    await expect.poll(() => messages).toContainEqual({ kind: 'updated', apiKeyId: created.id, hash: hashApiKey(created.key) });
    await closeRedis(subscriber);

    // null lifts a limit, [] lets the key call every model again.
    const lifted = await patch(created.id, { allowed_models: [], rate_limit_rpm: null, token_budget: null });
    expect(lifted.json).toMatchObject({ allowed_models: [], rate_limit_rpm: null, max_concurrent_streams: 4, token_budget: null });
    const audit = await h.db.auditLog.findMany({ where: { targetId: created.id, action: 'api_key.update' }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.details)).toEqual([
      { changed: ['name', 'allowed_models', 'max_concurrent_streams', 'token_budget'], name: 'after', allowed_models: [dep, 'gpt-*'], max_concurrent_streams: 4, token_budget: 1000 },
      { changed: ['allowed_models', 'rate_limit_rpm', 'token_budget'], allowed_models: [], rate_limit_rpm: null, token_budget: null },
    ]);
    const row = await h.db.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(JSON.stringify(audit.map((a) => a.details))).not.toContain(created.key);
    expect(JSON.stringify(audit.map((a) => a.details))).not.toContain(row.hash);
  });

  it('is for owners and admins only', async () => {
    const { json: created } = await post({ name: 'guarded' });
    const member = newId('user');
    await h.db.user.create({ data: { id: member, email: `${member}@example.com`, name: 'M', passwordHash: await hashPassword('correct horse battery') } });
    await h.db.membership.create({ data: { orgId: tenant.orgId, userId: member, role: 'member' } });
    const headers = { cookie: await h.sessionCookie(member), origin: WEB_URL };
    const res = await patch(created.id, { token_budget: 1 }, headers);
    expect(res.status).toBe(403);
    expect((await h.db.apiKey.findUniqueOrThrow({ where: { id: created.id } })).tokenBudget).toBeNull();
    // Members still read keys (never their secrets).
    expect((await get(created.id, headers)).status).toBe(200);
  });

  it('answers 404 for a revoked key and 400 for an empty or unknown change', async () => {
    const { json: created } = await post({ name: 'revoked' });
    expect((await patch(created.id, {})).status).toBe(400);
    expect((await patch(created.id, { expires_at: null })).status).toBe(400);
    expect((await patch(created.id, { allowed_models: [newId('deployment')] })).json.error.param).toBe('allowed_models.0');
    await h.call(one.DELETE, '', { method: 'DELETE', headers: tenant.auth, params: { id: created.id } });
    expect((await patch(created.id, { name: 'again' })).status).toBe(404);
    expect((await get(created.id)).status).toBe(404);
  });
});

describe('usage_this_month', () => {
  it('sums input and output tokens since the first of this UTC month, on GET and in the list', async () => {
    const { json: created } = await post({ name: 'metered', token_budget: 10_000 });
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const row = (hour: Date, input: number, output: number, modelName = 'm') => ({
      apiKeyId: created.id,
      deploymentId: dep,
      orgId: tenant.orgId,
      modelName,
      hour,
      requests: 1n,
      inputTokens: BigInt(input),
      outputTokens: BigInt(output),
    });
    await h.db.usageHourly.createMany({
      data: [
        // The last hour of the previous month counts for that month only.
        row(new Date(monthStart.getTime() - 3600_000), 5000, 5000),
        row(monthStart, 100, 20),
        row(monthStart, 1, 2, 'other-name'),
        // Its own model name: in the first hour of a month this hour is monthStart.
        row(new Date(Math.floor(now.getTime() / 3600_000) * 3600_000), 300, 40, 'this-hour'),
      ],
    });
    const res = await get(created.id);
    expect(res.json).toMatchObject({ token_budget: 10_000, usage_this_month: 463 });
    const list = await h.call(collection.GET, '', { headers: tenant.auth, query: { limit: '100' } });
    expect(list.json.data.find((k: { id: string }) => k.id === created.id).usage_this_month).toBe(463);
    expect(list.json.data.find((k: { id: string }) => k.id === tenant.apiKeyId).usage_this_month).toBe(0);
  });
});
