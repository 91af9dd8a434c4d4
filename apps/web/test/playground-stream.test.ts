import { adminInOrg, createDeployment, createDeploymentBody } from '@gguf/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST } from '../app/(dashboard)/deployments/[id]/playground/stream/route';
import { playgroundKey } from '../lib/dashboard/playground-key';
import { signUp } from '../lib/dashboard/sign-up';
import { type ApiHarness, createApiHarness, WEB_URL } from '../lib/testing/api-harness';

/**
 * The playground route's guards, on the real database: it acts only for a signed-in member, only
 * from the dashboard's origin, only on their own organization's deployments, and only with a
 * well-formed chat. (Its happy path, streaming through the real gateway, is in the browser test.)
 */
let api: ApiHarness;
let cookie: string;
let ownDeployment: string;
let otherDeployment: string;
let ownOrg: string;
let ownUser: string;

const chat = { messages: [{ role: 'user', content: 'hi' }], temperature: 0.5, max_tokens: 16 };
const model = { source: 'huggingface', repo: 'acme/tiny-GGUF', file: 'tiny.gguf' } as const;

beforeAll(async () => {
  api = await createApiHarness();
  const { userId, orgId } = await signUp({ name: 'Ada', email: 'ada@example.com', password: 'a-long-enough-password', organization: 'Engines' });
  cookie = await api.sessionCookie(userId);
  ownOrg = orgId;
  ownUser = userId;
  const other = await api.createTenant({ name: 'Other' });
  const deploy = async (org: string) =>
    (await createDeployment(api.context.deps, adminInOrg(api.system, org), createDeploymentBody.parse({ name: 'd', model, gpu: { count: 0 } }))).deployment.id;
  ownDeployment = await deploy(orgId);
  otherDeployment = await deploy(other.orgId);
});

afterAll(async () => {
  await api?.close();
});

const stream = (id: string, headers: Record<string, string>, body: unknown = chat) =>
  api.call(POST as never, `/deployments/${id}/playground/stream`, { method: 'POST', params: { id }, headers: { origin: WEB_URL, ...headers }, body });

describe('sign-up', () => {
  it('makes the user the owner of a new organization', async () => {
    const user = await api.db.user.findUniqueOrThrow({ where: { email: 'ada@example.com' }, include: { memberships: { include: { organization: true } } } });
    expect(user.isPlatformAdmin).toBe(false);
    expect(user.memberships.map((m) => [m.role, m.organization.name])).toEqual([['owner', 'Engines']]);
  });
});

describe('playground stream route', () => {
  it('refuses a request without a session', async () => {
    const res = await stream(ownDeployment, {});
    expect(res.status).toBe(401);
    expect(res.json.error.message).toMatch(/sign in/i);
  });

  it('refuses a session-authenticated request from another site', async () => {
    const res = await stream(ownDeployment, { cookie, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });

  it("answers 404 for another organization's deployment and mints no key", async () => {
    const before = await api.db.apiKey.count({ where: { ephemeral: true } });
    const res = await stream(otherDeployment, { cookie });
    expect(res.status).toBe(404);
    expect(await api.db.apiKey.count({ where: { ephemeral: true } })).toBe(before);
  });

  it('names the offending field of a malformed chat', async () => {
    const res = await stream(ownDeployment, { cookie }, { ...chat, temperature: 3 });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe("Invalid 'temperature': must be at most 2");
  });
});

describe('playground keys', () => {
  it('reuse one short-lived key per user and deployment for a few minutes, then mint the next', async () => {
    const scope = { orgId: ownOrg, role: 'owner' as const, actor: { type: 'user' as const, id: ownUser }, requestId: 'req_test' };
    const count = () => api.db.apiKey.count({ where: { ephemeral: true, orgId: ownOrg } });
    const before = await count();
    const now = Date.now();
    const first = await playgroundKey(scope, ownDeployment, now);
    expect(await playgroundKey(scope, ownDeployment, now + 60_000)).toBe(first);
    expect(await count()).toBe(before + 1);
    const row = await api.db.apiKey.findFirstOrThrow({ where: { ephemeral: true, orgId: ownOrg }, orderBy: { createdAt: 'desc' } });
    expect(row.allowedModels).toEqual([ownDeployment]);
    expect(row.expiresAt!.getTime()).toBeGreaterThan(now);

    const later = await playgroundKey(scope, ownDeployment, now + 8 * 60_000);
    expect(later).not.toBe(first);
    expect(await count()).toBe(before + 2);
  });
});
