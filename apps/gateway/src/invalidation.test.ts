import { hashApiKey } from '@gguf/core';
import { publishApiKeyChanged, publishDeploymentChanged } from '@gguf/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './test/eventually';
import { type Harness, startHarness } from './test/harness';

let h: Harness;
/** How long a test waits for a change: far below the cache TTL, so only the notification explains it; no speed claim. */
const NOTIFIED = 60_000;

beforeAll(async () => {
  // A long safety-net TTL, so only the pushed notifications can explain a change taking effect.
  h = await startHarness({ GATEWAY_CACHE_TTL_MS: '600000', GATEWAY_NEGATIVE_CACHE_TTL_MS: '600000' });
});
afterAll(() => h?.close());

const status = async (key: string, deploymentId = h.deploymentId) => (await fetch(`${h.deploymentUrl(deploymentId)}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status;

describe('changes pushed by the control plane', () => {
  it('stops a revoked key once the revocation is announced', async () => {
    const { key, id, hash } = await h.createKey(h.orgId);
    expect(await status(key)).toBe(200);
    await h.db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    await publishApiKeyChanged(h.redis, { kind: 'revoked', apiKeyId: id, hash });
    await eventually(async () => (await status(key)) === 401, NOTIFIED);
  });

  it('finds a revoked key by id when the notification carries no hash', async () => {
    const { key, id } = await h.createKey(h.orgId);
    expect(await status(key)).toBe(200);
    await h.db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    await publishApiKeyChanged(h.redis, { kind: 'revoked', apiKeyId: id });
    await eventually(async () => (await status(key)) === 401, NOTIFIED);
  });

  it('follows a deployment going down and coming back', async () => {
    const id = await h.createDeployment(h.orgId);
    expect(await status(h.key, id)).toBe(200);
    await h.db.deployment.update({ where: { id }, data: { status: 'stopping' } });
    await publishDeploymentChanged(h.redis, { kind: 'updated', deploymentId: id });
    await eventually(async () => (await status(h.key, id)) === 503, NOTIFIED);
    await h.db.deployment.update({ where: { id }, data: { status: 'running' } });
    await publishDeploymentChanged(h.redis, { kind: 'updated', deploymentId: id });
    await eventually(async () => (await status(h.key, id)) === 200, NOTIFIED);
  });

  it('serves repeated lookups from memory: a cached answer stands until a change is announced', async () => {
    const { key, id, hash } = await h.createKey(h.orgId);
    expect(await status(key)).toBe(200);
    // Revoked in Postgres without a notification: the cache still admits the key, proving no per-request query.
    await h.db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    expect(await status(key)).toBe(200);
    await publishApiKeyChanged(h.redis, { kind: 'revoked', apiKeyId: id, hash });
    await eventually(async () => (await status(key)) === 401, NOTIFIED);
  });

  it('remembers unknown keys, so guessing does not reach Postgres each time', async () => {
    const { key } = await h.createKey(h.orgId);
    const hash = hashApiKey(key);
    // Make the key unknown for a moment, look it up, then restore it without announcing anything.
    const row = await h.db.apiKey.update({ where: { hash }, data: { hash: '0'.repeat(64) } });
    expect(await status(key)).toBe(401);
    await h.db.apiKey.update({ where: { id: row.id }, data: { hash } });
    expect(await status(key)).toBe(401);
    await publishApiKeyChanged(h.redis, { kind: 'updated', apiKeyId: row.id, hash });
    await eventually(async () => (await status(key)) === 200, NOTIFIED);
  });
});
