import { hashPassword, newId } from '@gguf/core';
import { CHANNELS, closeRedis, createRedis } from '@gguf/redis';
import { testEnv } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type ApiHarness, createApiHarness, GATEWAY_URL, WEB_URL } from '../../../../lib/testing/api-harness';
import * as adminOrganization from '../admin/organizations/[id]/route';
import * as deployment from '../deployments/[id]/route';
import * as deployments from '../deployments/route';
import * as models from './models/route';
import * as organization from './route';

let h: ApiHarness;
let tenant: Awaited<ReturnType<ApiHarness['createTenant']>>;

beforeAll(async () => {
  h = await createApiHarness();
  tenant = await h.createTenant({ name: 'Endpoint', max_deployments: 7 });
});
afterAll(() => h.close());

const get = (headers: Record<string, string> = tenant.auth) => h.call(organization.GET, '/api/v1/organization', { headers });
const patch = (body: unknown, headers: Record<string, string> = tenant.auth) => h.call(organization.PATCH, '/api/v1/organization', { method: 'PATCH', headers, body });
const listModels = (headers = tenant.auth) => h.call(models.GET, '/api/v1/organization/models', { headers });
const create = async (body: Record<string, unknown>, headers = tenant.auth) =>
  (await h.call(deployments.POST, '', { method: 'POST', headers, body: { model: { source: 'local', path: 'm.gguf' }, gpu: { count: 0 }, ...body } })).json as { id: string };

async function session(role: 'owner' | 'admin' | 'member'): Promise<Record<string, string>> {
  const id = newId('user');
  await h.db.user.create({ data: { id, email: `${id}@example.com`, name: 'U', passwordHash: await hashPassword('correct horse battery') } });
  await h.db.membership.create({ data: { orgId: tenant.orgId, userId: id, role } });
  return { cookie: await h.sessionCookie(id), origin: WEB_URL };
}

describe('GET /api/v1/organization', () => {
  it('shows the organization, its endpoint and its default deployment, to any member', async () => {
    const res = await get(await session('member'));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      id: tenant.orgId,
      name: 'Endpoint',
      max_deployments: 7,
      default_deployment_id: null,
      base_url: `${GATEWAY_URL}/api/llm`,
      openai_base_url: `${GATEWAY_URL}/api/llm/v1`,
    });
    expect(res.text).not.toMatch(/hf_token_secret|hfTokenSecret/);
  });
});

describe('the default deployment', () => {
  it('is set and cleared by owners and admins, audited, announced, and shown in the organization and its models', async () => {
    const d = await create({ name: 'Fallback' });
    const subscriber = createRedis(testEnv('redisUrl'), 'test-sub');
    await subscriber.subscribe(CHANNELS.organizations);
    const messages: unknown[] = [];
    subscriber.on('message', (_channel, message: string) => messages.push(JSON.parse(message)));

    const set = await patch({ default_deployment_id: d.id }, await session('admin'));
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ default_deployment_id: d.id, base_url: `${GATEWAY_URL}/api/llm` });
    expect((await get()).json.default_deployment_id).toBe(d.id);
    expect((await listModels()).json.data.find((m: { deployment_id: string }) => m.deployment_id === d.id)).toMatchObject({ default: true });
    await expect.poll(() => messages).toContainEqual({ kind: 'updated', orgId: tenant.orgId });
    await closeRedis(subscriber);
    // The admin API shows it too.
    const admin = await h.call(adminOrganization.GET, '', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, params: { id: tenant.orgId } });
    expect(admin.json.default_deployment_id).toBe(d.id);

    const cleared = await patch({ default_deployment_id: null });
    expect(cleared.json.default_deployment_id).toBeNull();
    const audit = await h.db.auditLog.findMany({ where: { targetId: tenant.orgId, action: 'organization.update' }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.details)).toEqual([{ default_deployment_id: d.id }, { default_deployment_id: null }]);
  });

  it('is refused to members', async () => {
    const d = await create({ name: 'Not by members' });
    const res = await patch({ default_deployment_id: d.id }, await session('member'));
    expect(res.status).toBe(403);
    expect(res.json.error.message).toMatch(/owner or admin/);
    expect((await get()).json.default_deployment_id).toBeNull();
  });

  it("answers 404 naming the field for another organization's deployment, exactly like a missing one", async () => {
    const other = await h.createTenant({ name: 'Other' });
    const theirs = await create({ name: 'theirs' }, other.auth);
    const missing = newId('deployment');
    const foreign = await patch({ default_deployment_id: theirs.id });
    const absent = await patch({ default_deployment_id: missing });
    expect(foreign.status).toBe(404);
    expect(foreign.json.error).toMatchObject({ type: 'not_found', param: 'default_deployment_id' });
    const mask = (text: string, id: string) => text.replaceAll(id, '<id>').replace(/req_[0-9a-z]+/g, '<request>');
    expect(mask(foreign.text, theirs.id)).toBe(mask(absent.text, missing));
    expect((await get()).json.default_deployment_id).toBeNull();
  });

  it.each([[{}], [{ default_deployment_id: 'nope' }], [{ default_deployment_id: 42 }], [{ name: 'x' }]])('answers 400 to %j', async (body) => {
    const res = await patch(body);
    expect(res.status).toBe(400);
    expect(res.json.error.type).toBe('invalid_request');
  });

  it('is unset when that deployment is deleted, and a deleted deployment cannot become it', async () => {
    const d = await create({ name: 'Doomed' });
    await patch({ default_deployment_id: d.id });
    expect((await h.call(deployment.DELETE, '', { method: 'DELETE', headers: tenant.auth, params: { id: d.id } })).status).toBe(200);
    expect((await get()).json.default_deployment_id).toBeNull();
    expect((await patch({ default_deployment_id: d.id })).status).toBe(404);
  });

  it('never points at a deleted deployment when the delete and the change race', async () => {
    for (let i = 0; i < 3; i++) {
      const d = await create({ name: `Racing ${i}` });
      await Promise.all([patch({ default_deployment_id: d.id }), h.call(deployment.DELETE, '', { method: 'DELETE', headers: tenant.auth, params: { id: d.id } })]);
      const org = await h.db.organization.findUniqueOrThrow({ where: { id: tenant.orgId } });
      expect(org.defaultDeploymentId).not.toBe(d.id);
    }
  });
});

describe('GET /api/v1/organization/models', () => {
  it("lists each live deployment's model name, aliases and status, by model name, and nothing of another organization", async () => {
    const fresh = await h.createTenant({ name: 'Models' });
    const b = await create({ name: 'B', model_name: 'bravo', model_aliases: ['b', 'claude-*'] }, fresh.auth);
    const a = await create({ name: 'A', model_name: 'alpha' }, fresh.auth);
    const gone = await create({ name: 'C' }, fresh.auth);
    await h.call(deployment.DELETE, '', { method: 'DELETE', headers: fresh.auth, params: { id: gone.id } });
    await h.db.deployment.update({ where: { id: b.id }, data: { status: 'running' } });
    const res = await listModels(fresh.auth);
    expect(res.json).toEqual({
      data: [
        { model_name: 'alpha', model_aliases: [], deployment_id: a.id, deployment_name: 'A', status: 'pending', desired_state: 'running', default: false },
        { model_name: 'bravo', model_aliases: ['b', 'claude-*'], deployment_id: b.id, deployment_name: 'B', status: 'running', desired_state: 'running', default: false },
      ],
    });
  });
});
