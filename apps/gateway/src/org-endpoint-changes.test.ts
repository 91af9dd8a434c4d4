import { publishApiKeyChanged, publishDeploymentChanged, publishOrganizationChanged } from '@gguf/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './test/eventually';
import { type Harness, startHarness } from './test/harness';

let h: Harness;

beforeAll(async () => {
  // A long safety-net TTL, so only the pushed notifications can explain a change taking effect.
  h = await startHarness({ GATEWAY_CACHE_TTL_MS: '600000', GATEWAY_NEGATIVE_CACHE_TTL_MS: '600000' });
});
afterAll(() => h?.close());

async function org() {
  const orgId = await h.createOrg();
  const { key } = await h.createKey(orgId);
  /** Status of a chat request naming `model` on /api/llm. */
  const status = async (model: string) =>
    (
      await fetch(`${h.orgUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      })
    ).status;
  return { orgId, key, status };
}

describe('changes to model names reach /api/llm through the control plane’s notifications', () => {
  it('follows a rename and new aliases of a deployment', async () => {
    const { orgId, status } = await org();
    const id = await h.createDeployment(orgId, { modelName: 'old-name' });
    expect(await status('old-name')).toBe(200);
    expect(await status('new-name')).toBe(404);
    await h.db.deployment.update({ where: { id }, data: { modelName: 'new-name', modelAliases: ['nickname', 'gpt-*'] } });
    // Cached, and no notification yet: the old table still answers.
    expect(await status('new-name')).toBe(404);
    await publishDeploymentChanged(h.redis, { kind: 'updated', deploymentId: id });
    await eventually(async () => (await status('new-name')) === 200, 1_000);
    expect(await status('old-name')).toBe(404);
    expect(await status('nickname')).toBe(200);
    expect(await status('gpt-4o')).toBe(200);
  });

  it('follows a deployment stopping, being deleted, and a new one appearing', async () => {
    const { orgId, status } = await org();
    const id = await h.createDeployment(orgId, { modelName: 'busy' });
    expect(await status('busy')).toBe(200);
    await h.db.deployment.update({ where: { id }, data: { status: 'stopping' } });
    await publishDeploymentChanged(h.redis, { kind: 'updated', deploymentId: id });
    await eventually(async () => (await status('busy')) === 503, 1_000);
    await h.db.deployment.update({ where: { id }, data: { deletedAt: new Date() } });
    await publishDeploymentChanged(h.redis, { kind: 'deleted', deploymentId: id });
    await eventually(async () => (await status('busy')) === 404, 1_000);
    // A deployment no cached table knows yet: the gateway finds its organization.
    const fresh = await h.createDeployment(orgId, { modelName: 'busy' });
    await publishDeploymentChanged(h.redis, { kind: 'updated', deploymentId: fresh });
    await eventually(async () => (await status('busy')) === 200, 1_000);
  });

  it('follows the organization’s default deployment', async () => {
    const { orgId, status } = await org();
    const id = await h.createDeployment(orgId, { modelName: 'only' });
    expect(await status('anything')).toBe(404);
    await h.db.organization.update({ where: { id: orgId }, data: { defaultDeploymentId: id } });
    await publishOrganizationChanged(h.redis, { kind: 'updated', orgId });
    await eventually(async () => (await status('anything')) === 200, 1_000);
    await h.db.organization.update({ where: { id: orgId }, data: { defaultDeploymentId: null } });
    await publishOrganizationChanged(h.redis, { kind: 'updated', orgId });
    await eventually(async () => (await status('anything')) === 404, 1_000);
  });

  it('follows a key’s allowed models', async () => {
    const { orgId } = await org();
    await h.createDeployment(orgId, { modelName: 'a' });
    await h.createDeployment(orgId, { modelName: 'b' });
    const { key, id, hash } = await h.createKey(orgId, { scope: ['a'] });
    const list = async () => ((await (await fetch(`${h.orgUrl}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: { id: string }[] }).data.map((m) => m.id);
    expect(await list()).toEqual(['a']);
    await h.db.apiKey.update({ where: { id }, data: { allowedModels: ['a', 'b'] } });
    await publishApiKeyChanged(h.redis, { kind: 'updated', apiKeyId: id, hash });
    await eventually(async () => (await list()).length === 2, 1_000);
  });
});
