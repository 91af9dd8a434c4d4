import { newId, SECRET_COLUMNS, secretLocation } from '@gguf/core';
import { CHANNELS, closeRedis, createRedis } from '@gguf/redis';
import { testEnv } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type ApiHarness, createApiHarness } from '../../../../lib/testing/api-harness';
import * as tenantDeployment from '../deployments/[id]/route';
import * as tenantDeployments from '../deployments/route';
import * as auditLogs from './audit-logs/route';
import * as allDeployments from './deployments/route';
import * as cordon from './nodes/[id]/cordon/route';
import * as drain from './nodes/[id]/drain/route';
import * as node from './nodes/[id]/route';
import * as uncordon from './nodes/[id]/uncordon/route';
import * as nodes from './nodes/route';
import * as orgKeys from './organizations/[id]/api-keys/route';
import * as member from './organizations/[id]/members/[user_id]/route';
import * as members from './organizations/[id]/members/route';
import * as organization from './organizations/[id]/route';
import * as organizations from './organizations/route';
import * as userOne from './users/[id]/route';
import * as users from './users/route';

let h: ApiHarness;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const deploymentBody = { name: 'd', model: { source: 'local', path: 'm.gguf' }, gpu: { count: 1 } };

beforeAll(async () => {
  h = await createApiHarness();
});
afterAll(() => h.close());

async function subscribe(channel: string) {
  const subscriber = createRedis(testEnv('redisUrl'), 'test-sub');
  await subscriber.subscribe(channel);
  const messages: unknown[] = [];
  subscriber.on('message', (_c, m) => messages.push(JSON.parse(m)));
  return { messages, close: () => closeRedis(subscriber) };
}

describe('organizations', () => {
  it('are created, listed, fetched and updated, with audit rows and a change notice to gateways', async () => {
    const created = await h.call(organizations.POST, '', { method: 'POST', headers: admin, body: { name: 'Globex Corp', max_deployments: 3 } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'Globex Corp', max_deployments: 3, max_gpus: 8, rate_limit_rpm: null });
    expect(created.json.slug).toMatch(/^globex-corp-[0-9a-z]{6}$/);
    const id = created.json.id;
    expect((await h.call(organization.GET, '', { headers: admin, params: { id } })).json.name).toBe('Globex Corp');
    const notices = await subscribe(CHANNELS.organizations);
    const updated = await h.call(organization.PATCH, '', { method: 'PATCH', headers: admin, params: { id }, body: { max_gpus: 2, rate_limit_rpm: 600 } });
    expect(updated.json).toMatchObject({ max_gpus: 2, rate_limit_rpm: 600, max_deployments: 3 });
    await expect.poll(() => notices.messages).toContainEqual({ kind: 'updated', orgId: id });
    await notices.close();
    const audit = await h.db.auditLog.findMany({ where: { targetId: id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, a.actorType])).toEqual([
      ['organization.create', 'admin_token'],
      ['organization.update', 'admin_token'],
    ]);
  });

  it.each([
    [{ name: 'x', slug: 'Bad Slug' }, 'slug'],
    [{ name: 'x', max_gpus: -1 }, 'max_gpus'],
    [{ name: 'x', owner_user_id: 'nobody' }, 'owner_user_id'],
    [{}, 'name'],
  ])('refuses %j', async (body, param) => {
    const res = await h.call(organizations.POST, '', { method: 'POST', headers: admin, body });
    expect(res.status).toBe(400);
    expect(res.json.error.param).toBe(param);
  });

  it('refuses a taken slug with 409', async () => {
    await h.call(organizations.POST, '', { method: 'POST', headers: admin, body: { name: 'a', slug: 'taken' } });
    const again = await h.call(organizations.POST, '', { method: 'POST', headers: admin, body: { name: 'b', slug: 'taken' } });
    expect(again.status).toBe(409);
    expect(again.json.error.param).toBe('slug');
  });

  it("bootstraps a tenant's first key, which then drives the tenant API", async () => {
    const org = (await h.call(organizations.POST, '', { method: 'POST', headers: admin, body: { name: 'Boot' } })).json;
    const key = await h.call(orgKeys.POST, '', { method: 'POST', headers: admin, params: { id: org.id }, body: { name: 'first' } });
    expect(key.status).toBe(201);
    const created = await h.call(tenantDeployments.POST, '', { method: 'POST', headers: { authorization: `Bearer ${key.json.key}` }, body: deploymentBody });
    expect(created.status).toBe(201);
    expect((await h.call(orgKeys.POST, '', { method: 'POST', headers: admin, params: { id: newId('organization') }, body: { name: 'x' } })).status).toBe(404);
  });

  it('are deleted without orphans: deployments handed to the worker for teardown, keys revoked, gateways told', async () => {
    const tenant = await h.createTenant({ name: 'Doomed' });
    const d1 = (await h.call(tenantDeployments.POST, '', { method: 'POST', headers: tenant.auth, body: deploymentBody })).json.id;
    const d2 = (await h.call(tenantDeployments.POST, '', { method: 'POST', headers: tenant.auth, body: deploymentBody })).json.id;
    const keys = await subscribe(CHANNELS.apiKeys);
    const orgs = await subscribe(CHANNELS.organizations);
    const res = await h.call(organization.DELETE, '', { method: 'DELETE', headers: admin, params: { id: tenant.orgId } });
    expect(res.json).toEqual({ id: tenant.orgId, deleted: true });
    for (const id of [d1, d2]) {
      expect(await h.db.deployment.findUniqueOrThrow({ where: { id } })).toMatchObject({ desiredState: 'deleted' });
      expect((await h.jobsFor(id)).map((j) => j.id)).toContain(`sync-${id}-g1-deleted`);
    }
    await expect.poll(() => keys.messages).toContainEqual(expect.objectContaining({ kind: 'revoked', apiKeyId: tenant.apiKeyId }));
    await expect.poll(() => orgs.messages).toContainEqual({ kind: 'deleted', orgId: tenant.orgId });
    await keys.close();
    await orgs.close();
    expect((await h.call(tenantDeployments.GET, '', { headers: tenant.auth })).status).toBe(401);
    expect((await h.call(organization.GET, '', { headers: admin, params: { id: tenant.orgId } })).status).toBe(404);
    expect((await h.call(organization.DELETE, '', { method: 'DELETE', headers: admin, params: { id: tenant.orgId } })).status).toBe(404);
  });

  it('quota changes apply to the next create', async () => {
    const tenant = await h.createTenant({ name: 'Tight', max_gpus: 1 });
    expect((await h.call(tenantDeployments.POST, '', { method: 'POST', headers: tenant.auth, body: deploymentBody })).status).toBe(201);
    expect((await h.call(tenantDeployments.POST, '', { method: 'POST', headers: tenant.auth, body: deploymentBody })).status).toBe(409);
    await h.call(organization.PATCH, '', { method: 'PATCH', headers: admin, params: { id: tenant.orgId }, body: { max_gpus: 2 } });
    expect((await h.call(tenantDeployments.POST, '', { method: 'POST', headers: tenant.auth, body: deploymentBody })).status).toBe(201);
  });
});

describe('users and memberships', () => {
  it('creates a user with a generated password shown once, disables them and makes them admin', async () => {
    const res = await h.call(users.POST, '', { method: 'POST', headers: admin, body: { email: 'Ada@Example.com', name: 'Ada' } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ email: 'ada@example.com', is_platform_admin: false, disabled_at: null });
    expect(res.json.password).toHaveLength(20);
    const id = res.json.id;
    expect((await h.call(userOne.GET, '', { headers: admin, params: { id } })).json).not.toHaveProperty('password');
    expect((await h.call(users.POST, '', { method: 'POST', headers: admin, body: { email: 'ada@example.com', name: 'Ada' } })).status).toBe(409);
    const disabled = await h.call(userOne.PATCH, '', { method: 'PATCH', headers: admin, params: { id }, body: { disabled: true, is_platform_admin: true } });
    expect(disabled.json.disabled_at).not.toBeNull();
    expect(disabled.json.is_platform_admin).toBe(true);
    const list = await h.call(users.GET, '', { headers: admin });
    expect(list.text).not.toMatch(/password|scrypt/);
    expect((await h.call(users.POST, '', { method: 'POST', headers: admin, body: { email: 'not-an-email', name: 'x' } })).json.error.param).toBe('email');
  });

  it('adds, re-roles, lists and removes members', async () => {
    const tenant = await h.createTenant({ name: 'Team' });
    const u = (await h.call(users.POST, '', { method: 'POST', headers: admin, body: { email: 'bob@example.com', name: 'Bob', password: 'a long enough password' } })).json;
    const put = (role: string) => h.call(members.POST, '', { method: 'POST', headers: admin, params: { id: tenant.orgId }, body: { user_id: u.id, role } });
    expect((await put('member')).json).toMatchObject({ user_id: u.id, role: 'member', email: 'bob@example.com' });
    expect((await put('admin')).json.role).toBe('admin');
    expect((await put('boss')).json.error.param).toBe('role');
    expect((await h.call(members.GET, '', { headers: admin, params: { id: tenant.orgId } })).json.data).toHaveLength(1);
    const removed = await h.call(member.DELETE, '', { method: 'DELETE', headers: admin, params: { id: tenant.orgId, user_id: u.id } });
    expect(removed.json.deleted).toBe(true);
    expect((await h.call(member.DELETE, '', { method: 'DELETE', headers: admin, params: { id: tenant.orgId, user_id: u.id } })).status).toBe(404);
  });
});

describe('nodes', () => {
  const tls = {
    ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
    cert: '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----',
    key: '-----BEGIN PRIVATE KEY-----\nSECRETKEYMATERIAL\n-----END PRIVATE KEY-----',
  };
  const register = (body: unknown) => h.call(nodes.POST, '', { method: 'POST', headers: admin, body });

  it('registers a remote Docker node and never shows its TLS material', async () => {
    const res = await register({
      name: 'gpu-1',
      docker_endpoint: 'tcp://10.0.0.5:2376',
      docker_tls: tls,
      address: '10.0.0.5',
      gpus: [
        { index: 0, type: 'NVIDIA L4', memory_mb: 23034 },
        { index: 1, type: 'NVIDIA L4', memory_mb: 23034 },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ name: 'gpu-1', runtime_kind: 'docker', docker_tls: true, status: 'unreachable', cordoned: false, port_range: { start: 20000, end: 20999 } });
    expect(res.json.gpus).toHaveLength(2);
    expect(res.text).not.toContain('SECRETKEYMATERIAL');
    // Stored sealed and bound to the node's row; the audit entry does not carry it either.
    const row = await h.db.node.findUniqueOrThrow({ where: { id: res.json.id } });
    expect(row.dockerTls).toMatch(/^gse1\./);
    expect(JSON.parse(h.context.deps.secrets.open(row.dockerTls!, secretLocation(SECRET_COLUMNS.nodeDockerTls, res.json.id)))).toEqual(tls);
    expect(JSON.stringify((await h.db.auditLog.findMany({ where: { targetId: res.json.id } })).map((a) => a.details))).not.toContain('SECRETKEYMATERIAL');
    const ssh = await register({ name: 'gpu-2', docker_endpoint: 'ssh://deploy@gpu-2.internal', address: 'gpu-2.internal' });
    expect(ssh.status).toBe(201);
    const list = await h.call(nodes.GET, '', { headers: admin });
    expect(list.json.data).toHaveLength(2);
    expect(list.text).not.toContain('SECRETKEYMATERIAL');
    expect((await register({ name: 'gpu-1', docker_endpoint: 'ssh://a@b', address: 'b' })).status).toBe(409);
  });

  it.each([
    [{ name: 'n', docker_endpoint: 'tcp://10.0.0.5:2376', address: '10.0.0.5' }, 'docker_tls'],
    [{ name: 'n', docker_endpoint: 'http://10.0.0.5:2375', address: '10.0.0.5' }, 'docker_endpoint'],
    [{ name: 'n', docker_endpoint: 'ssh://a@b', address: 'http://evil/' }, 'address'],
    [{ name: 'n', docker_endpoint: 'ssh://a@b', address: 'b; rm -rf /' }, 'address'],
    [{ name: 'n', docker_endpoint: 'ssh://a@b', address: 'b', gpus: [{ index: 0, type: 'x', memory_mb: 1 }, { index: 0, type: 'x', memory_mb: 1 }] }, 'gpus'],
    [{ name: 'n', docker_endpoint: 'ssh://a@b', address: 'b', port_range: { start: 30000, end: 20000 } }, 'port_range.start'],
    [{ name: 'n', docker_endpoint: 'tcp://10.0.0.5:2376', address: '10.0.0.5', docker_tls: { ...tls, key: 'not pem' } }, 'docker_tls.key'],
  ])('refuses %j', async (body, param) => {
    const res = await register(body);
    expect(res.status).toBe(400);
    expect(res.json.error.param).toBe(param);
  });

  it('cordons, uncordons, drains (moving servers) and deletes only when no server is left', async () => {
    const n = (await register({ name: 'gpu-3', docker_endpoint: 'ssh://a@gpu-3', address: 'gpu-3', gpus: [{ index: 0, type: 'L4', memory_mb: 1 }] })).json;
    const params = { id: n.id };
    expect((await h.call(cordon.POST, '', { method: 'POST', headers: admin, params })).json.cordoned).toBe(true);
    expect((await h.call(uncordon.POST, '', { method: 'POST', headers: admin, params })).json.cordoned).toBe(false);
    const tenant = await h.createTenant({ name: 'Placed' });
    const dep = (await h.call(tenantDeployments.POST, '', { method: 'POST', headers: tenant.auth, body: deploymentBody })).json.id;
    const bystander = (await h.call(tenantDeployments.POST, '', { method: 'POST', headers: tenant.auth, body: deploymentBody })).json.id;
    // What the worker would have done: place a server of it on the node, holding its GPU; another elsewhere.
    const server = await h.placeServer(dep, { nodeId: n.id, server: { status: 'ready', upstreamUrl: 'http://gpu-3:20000' } });
    await h.db.gpuAllocation.create({ data: { nodeId: n.id, gpuIndex: 0, serverId: server.id } });
    await h.placeServer(bystander);
    const placed = (await h.call(node.GET, '', { headers: admin, params })).json;
    expect(placed.servers).toBe(1);
    expect(placed.gpus[0]).toMatchObject({ server_id: server.id, deployment_id: dep });
    const refused = await h.call(node.DELETE, '', { method: 'DELETE', headers: admin, params });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/1 server\(s\); drain it/);

    const drained = await h.call(drain.POST, '', { method: 'POST', headers: admin, params });
    expect(drained.json.cordoned).toBe(true);
    expect(drained.json.draining_at).not.toBeNull();
    // Only the deployment with a server there is touched, and it keeps its generation: its other servers keep serving.
    expect((await h.call(tenantDeployment.GET, '', { headers: tenant.auth, params: { id: dep } })).json.generation).toBe(1);
    expect((await h.jobsFor(dep)).map((j) => j.id)).toContain(`sync-${dep}-g1-running`);
    const events = await h.db.deploymentEvent.findMany({ where: { message: { contains: 'drained' } } });
    expect(events.map((e) => [e.deploymentId, e.message])).toEqual([[dep, 'Node gpu-3 drained; moving its server to another node']]);
    const audit = await h.db.auditLog.findFirstOrThrow({ where: { targetId: n.id, action: 'node.drain' } });
    expect(audit.details).toEqual({ deployments: [dep] });

    // The worker moves the server off (its row goes, releasing the GPU); then the node can go.
    await h.db.server.delete({ where: { id: server.id } });
    expect((await h.call(node.GET, '', { headers: admin, params })).json).toMatchObject({ servers: 0, gpus: [{ server_id: null, deployment_id: null }] });
    expect((await h.call(node.DELETE, '', { method: 'DELETE', headers: admin, params })).json.deleted).toBe(true);
    expect((await h.call(node.GET, '', { headers: admin, params })).status).toBe(404);
  });
});

describe('across organizations', () => {
  it('lists every organization’s deployments and reads the audit log', async () => {
    const one = await h.createTenant({ name: 'One' });
    const two = await h.createTenant({ name: 'Two' });
    const d1 = (await h.call(tenantDeployments.POST, '', { method: 'POST', headers: one.auth, body: deploymentBody })).json.id;
    const d2 = (await h.call(tenantDeployments.POST, '', { method: 'POST', headers: two.auth, body: deploymentBody })).json.id;
    const all = await h.call(allDeployments.GET, '', { headers: admin, query: { limit: '100' } });
    const ids = all.json.data.map((d: { id: string }) => d.id);
    expect(ids).toEqual(expect.arrayContaining([d1, d2]));
    expect(all.json.data.find((d: { id: string }) => d.id === d1).org_id).toBe(one.orgId);
    const filtered = await h.call(allDeployments.GET, '', { headers: admin, query: { org_id: two.orgId } });
    expect(filtered.json.data.map((d: { id: string }) => d.id)).toEqual([d2]);
    await h.call(tenantDeployment.DELETE, '', { method: 'DELETE', headers: one.auth, params: { id: d1 } });
    const log = await h.call(auditLogs.GET, '', { headers: admin, query: { org_id: one.orgId } });
    expect(log.json.data.map((e: { action: string }) => e.action)).toEqual(['deployment.delete', 'deployment.create', 'api_key.create', 'organization.create']);
    const page = await h.call(auditLogs.GET, '', { headers: admin, query: { limit: '2' } });
    expect(page.json.data).toHaveLength(2);
    const next = await h.call(auditLogs.GET, '', { headers: admin, query: { limit: '2', cursor: page.json.next_cursor } });
    expect(BigInt(next.json.data[0].id)).toBeLessThan(BigInt(page.json.data[1].id));
  });
});
