import { hashApiKey } from '@gguf/core';
import { CHANNELS, closeRedis, createRedis } from '@gguf/redis';
import { testEnv } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from '../../../../lib/testing/api-harness';
import * as deployments from '../deployments/route';
import * as one from './[id]/route';
import * as collection from './route';

let h: ApiHarness;
let tenant: Awaited<ReturnType<ApiHarness['createTenant']>>;

beforeAll(async () => {
  h = await createApiHarness();
  tenant = await h.createTenant({ name: 'Keys' });
});
afterAll(() => h.close());

const post = (body: unknown) => h.call(collection.POST, '/api/v1/api-keys', { method: 'POST', headers: tenant.auth, body });
const listDeployments = (key: string) => h.call(deployments.GET, '', { headers: { authorization: `Bearer ${key}` } });

describe('API keys', () => {
  it('shows the secret once: stored only as a hash, never listed', async () => {
    const res = await post({ name: 'ci', expires_at: new Date(Date.now() + 86400_000).toISOString() });
    expect(res.status).toBe(201);
    const created = res.json;
    expect(created.key).toMatch(/^gguf_[0-9A-Za-z]{38}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(created).toMatchObject({ name: 'ci', allowed_models: [], rate_limit_rpm: null, max_concurrent_streams: null, token_budget: null, usage_this_month: 0, last_used_at: null });
    const row = await h.db.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.hash).toBe(hashApiKey(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key);
    const list = await h.call(collection.GET, '', { headers: tenant.auth });
    const listed = list.json.data.find((k: { id: string }) => k.id === created.id);
    expect(Object.keys(listed).sort()).toEqual([
      'allowed_models',
      'created_at',
      'expires_at',
      'id',
      'last_used_at',
      'max_concurrent_streams',
      'name',
      'prefix',
      'rate_limit_rpm',
      'token_budget',
      'usage_this_month',
    ]);
    expect(list.text).not.toContain(created.key);
    expect(list.text).not.toContain(row.hash);
    const audit = await h.db.auditLog.findFirstOrThrow({ where: { targetId: created.id } });
    expect(audit.action).toBe('api_key.create');
    expect(JSON.stringify(audit.details)).not.toContain(created.key);
    // The new key works, and its use is recorded.
    expect((await listDeployments(created.key)).status).toBe(200);
    await expect.poll(async () => (await h.db.apiKey.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt).not.toBeNull();
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: 'x', expires_at: 'tomorrow' }, 'expires_at'],
    [{ name: 'x', expires_at: '2001-01-01T00:00:00Z' }, 'expires_at'],
    [{ name: 'x', allowed_models: ['Nope!'] }, 'allowed_models.0'],
    [{ name: 'x', deployment_ids: [] }, ''],
    [{ name: 'x', secret: 'mine' }, ''],
  ])('refuses %j', async (body, param) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    if (param) expect(res.json.error.param).toBe(param);
  });

  it('revokes: the key is refused at once and the gateways are told with its hash', async () => {
    const { json: created } = await post({ name: 'to-revoke' });
    const subscriber = createRedis(testEnv('redisUrl'), 'test-sub');
    await subscriber.subscribe(CHANNELS.apiKeys);
    const messages: unknown[] = [];
    subscriber.on('message', (_c, m) => messages.push(JSON.parse(m)));
    const res = await h.call(one.DELETE, '', { method: 'DELETE', headers: tenant.auth, params: { id: created.id } });
    expect(res.json).toEqual({ id: created.id, revoked: true });
    await expect.poll(() => messages).toContainEqual({ kind: 'revoked', apiKeyId: created.id, hash: hashApiKey(created.key) });
    await closeRedis(subscriber);
    const refused = await listDeployments(created.key);
    expect(refused.status).toBe(401);
    expect(refused.json.error.type).toBe('authentication_error');
    expect((await h.call(one.DELETE, '', { method: 'DELETE', headers: tenant.auth, params: { id: created.id } })).status).toBe(404);
    const list = await h.call(collection.GET, '', { headers: tenant.auth });
    expect(list.json.data.map((k: { id: string }) => k.id)).not.toContain(created.id);
    expect((await h.db.auditLog.findFirstOrThrow({ where: { targetId: created.id, action: 'api_key.revoke' } })).actorId).toBe(tenant.apiKeyId);
  });

  it('refuses an expired key', async () => {
    const { json: created } = await post({ name: 'short' });
    await h.db.apiKey.update({ where: { id: created.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await listDeployments(created.key)).status).toBe(401);
  });

  it('keeps keys with allowed models or limits of their own out of the management API, where they could lift them', async () => {
    const dep = await h.call(deployments.POST, '', { method: 'POST', headers: tenant.auth, body: { name: 'd', model: { source: 'local', path: 'm.gguf' }, gpu: { count: 0 } } });
    const { json: scoped } = await post({ name: 'scoped', allowed_models: [dep.json.id, dep.json.id] });
    expect(scoped.allowed_models).toEqual([dep.json.id]);
    for (const limits of [{ allowed_models: ['qwen-*'] }, { rate_limit_rpm: 5 }, { max_concurrent_streams: 1 }, { token_budget: 1000 }]) {
      const { json: limited } = await post({ name: 'limited', ...limits });
      for (const res of [await listDeployments(limited.key), await h.call(one.PATCH, '', { method: 'PATCH', headers: { authorization: `Bearer ${limited.key}` }, params: { id: limited.id }, body: { token_budget: null } })]) {
        expect(res.status).toBe(403);
        expect(res.json.error).toMatchObject({ type: 'permission_denied', message: expect.stringMatching(/for calling models only/) });
      }
      // Lifted by a key manager, the key manages the organization again.
      await h.call(one.PATCH, '', { method: 'PATCH', headers: tenant.auth, params: { id: limited.id }, body: { allowed_models: [], rate_limit_rpm: null, max_concurrent_streams: null, token_budget: null } });
      expect((await listDeployments(limited.key)).status).toBe(200);
    }
  });
});
