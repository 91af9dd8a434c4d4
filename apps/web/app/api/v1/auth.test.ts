import { hashPassword, newId } from '@gguf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type ApiHarness, createApiHarness, WEB_URL } from '../../../lib/testing/api-harness';
import * as organizations from './admin/organizations/route';
import * as apiKeys from './api-keys/route';
import * as deployments from './deployments/route';

let h: ApiHarness;
let tenant: Awaited<ReturnType<ApiHarness['createTenant']>>;

beforeAll(async () => {
  h = await createApiHarness();
  tenant = await h.createTenant({ name: 'Auth' });
});
afterAll(() => h.close());

const listDeployments = (headers: Record<string, string>) => h.call(deployments.GET, '/api/v1/deployments', { headers });
const listOrgs = (headers: Record<string, string>) => h.call(organizations.GET, '/api/v1/admin/organizations', { headers });
const deploymentBody = { name: 'd', model: { source: 'local', path: 'm.gguf' }, gpu: { count: 0 } };

async function user(options: { role?: 'owner' | 'admin' | 'member'; admin?: boolean; orgId?: string } = {}) {
  const id = newId('user');
  await h.db.user.create({ data: { id, email: `${id}@example.com`, name: 'U', passwordHash: await hashPassword('correct horse battery'), isPlatformAdmin: options.admin ?? false } });
  if (options.role) await h.db.membership.create({ data: { orgId: options.orgId ?? tenant.orgId, userId: id, role: options.role } });
  return id;
}

describe('tenant authentication', () => {
  it.each([
    ['no credentials', {}],
    ['a malformed header', { authorization: 'Token abc' }],
    ['a made-up key', { authorization: 'Bearer gguf_notakey' }],
    ['a well-formed unknown key', { authorization: `Bearer ${'gguf_'}${'A'.repeat(38)}` }],
    ['the admin token', { authorization: `Bearer ${ADMIN_TOKEN}` }],
    ['a forged session cookie', { cookie: 'next-auth.session-token=forged' }],
  ])('answers 401 to %s', async (_name, headers) => {
    const res = await listDeployments(headers);
    expect(res.status).toBe(401);
    expect(res.json.error.type).toBe('authentication_error');
    expect(res.headers.get('x-request-id')).toBe(res.json.error.request_id);
  });

  it("refuses the keys of a deleted organization", async () => {
    const gone = await h.createTenant({ name: 'Gone' });
    await h.db.organization.update({ where: { id: gone.orgId }, data: { deletedAt: new Date() } });
    expect((await listDeployments(gone.auth)).status).toBe(401);
  });
});

describe('admin authentication', () => {
  it('lets the admin token in', async () => {
    const res = await listOrgs({ authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.json.data.map((o: { id: string }) => o.id)).toContain(tenant.orgId);
  });

  it('answers 403 to a tenant key and 401 to no or a wrong token', async () => {
    expect((await listOrgs(tenant.auth)).status).toBe(403);
    expect((await listOrgs({})).status).toBe(401);
    expect((await listOrgs({ authorization: `Bearer ${ADMIN_TOKEN}x` })).status).toBe(401);
    expect((await listOrgs({ authorization: 'Bearer ' })).status).toBe(401);
  });

  it("lets a platform admin's session in, not a regular user's", async () => {
    const admin = await user({ admin: true });
    expect((await listOrgs({ cookie: await h.sessionCookie(admin, true) })).status).toBe(200);
    const regular = await user({ role: 'owner' });
    // The flag in the token is not trusted: the user row decides.
    expect((await listOrgs({ cookie: await h.sessionCookie(regular, true) })).status).toBe(403);
  });
});

describe('dashboard sessions', () => {
  it('read with a session cookie, in the first organization or the one chosen by cookie', async () => {
    const id = await user({ role: 'member' });
    const other = await h.createTenant({ name: 'Other' });
    await h.db.membership.create({ data: { orgId: other.orgId, userId: id, role: 'owner' } });
    await h.call(deployments.POST, '', { method: 'POST', headers: other.auth, body: { ...deploymentBody, name: 'in-other' } });
    const cookie = await h.sessionCookie(id);
    const first = await listDeployments({ cookie });
    expect(first.status).toBe(200);
    expect(first.json.data).toEqual([]);
    const switched = await listDeployments({ cookie: `${cookie}; gguf-org=${other.orgId}` });
    expect(switched.json.data.map((d: { name: string }) => d.name)).toEqual(['in-other']);
    // A cookie naming an organization the user is not in falls back to their own.
    const foreign = await h.createTenant({ name: 'Foreign' });
    expect((await listDeployments({ cookie: `${cookie}; gguf-org=${foreign.orgId}` })).json.data).toEqual([]);
  });

  it('accept changes only from our own origin', async () => {
    const cookie = await h.sessionCookie(await user({ role: 'member' }));
    const post = (headers: Record<string, string>) => h.call(deployments.POST, '/api/v1/deployments', { method: 'POST', headers: { cookie, ...headers }, body: deploymentBody });
    expect((await post({ origin: WEB_URL })).status).toBe(201);
    expect((await post({ 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    const cross = await post({ origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
    expect(cross.json.error.message).toMatch(/Cross-site/);
    expect((await post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post({})).status).toBe(403);
  });

  it('let members manage deployments but not API keys; owners and admins manage keys', async () => {
    const member = await h.sessionCookie(await user({ role: 'member' }));
    const createKey = (cookie: string) => h.call(apiKeys.POST, '/api/v1/api-keys', { method: 'POST', headers: { cookie, origin: WEB_URL }, body: { name: 'k' } });
    const refused = await createKey(member);
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/owner or admin/);
    expect((await createKey(await h.sessionCookie(await user({ role: 'admin' })))).status).toBe(201);
    const key = await createKey(await h.sessionCookie(await user({ role: 'owner' })));
    expect(key.status).toBe(201);
    const audit = await h.db.auditLog.findFirstOrThrow({ where: { targetId: key.json.id } });
    expect(audit.actorType).toBe('user');
  });

  it('end at once for a disabled user or one without an organization', async () => {
    const id = await user({ role: 'owner' });
    const cookie = await h.sessionCookie(id);
    await h.db.user.update({ where: { id }, data: { disabledAt: new Date() } });
    expect((await listDeployments({ cookie })).status).toBe(401);
    const loner = await user();
    expect((await listDeployments({ cookie: await h.sessionCookie(loner) })).status).toBe(403);
  });
});
