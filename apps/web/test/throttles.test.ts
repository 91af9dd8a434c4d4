import { adminInOrg, createDeployment, createDeploymentBody } from '@gguf/api';
import { hashPassword, newId } from '@gguf/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { POST as playgroundStream } from '../app/(dashboard)/deployments/[id]/playground/stream/route';
import * as organizations from '../app/api/v1/admin/organizations/route';
import * as deployments from '../app/api/v1/deployments/route';
import { stampClientAddress } from '../lib/auth/client-address';
import { signInErrorMessage } from '../lib/auth/sign-in-error-message';
import { throttledAnswer } from '../lib/auth/throttled-answer';
import { acceptInvitation, createInvitation, signUpInvited } from '../lib/dashboard/invitations';
import { signUpFrom } from '../lib/dashboard/sign-up';
import { type ApiHarness, createApiHarness } from '../lib/testing/api-harness';

/**
 * The front door's throttles and same-origin rule on the real route handlers, database and Redis.
 * Requests carry the front door's stamp of a client address (the real server's stamping is in
 * front-door.test.ts); each test uses addresses of its own.
 */
let h: ApiHarness;
let tenant: Awaited<ReturnType<ApiHarness['createTenant']>>;

beforeAll(async () => {
  h = await createApiHarness({ API_AUTH_FAILURES_PER_ADDRESS: '3', AUTH_RATE_LIMIT_PER_ADDRESS: '3', AUTH_RATE_LIMIT_PER_ACCOUNT: '2', SIGNUP_MODE: 'open' });
  tenant = await h.createTenant({ name: 'Throttled' });
});
afterAll(() => h?.close());

const from = (address: string, headers: Record<string, string> = {}) => {
  const stamped: Record<string, string> = { ...headers };
  stampClientAddress(stamped, address);
  return stamped;
};
const signUpInput = (email: string) => ({ name: 'N', email, password: 'a-long-enough-password', organization: 'Org' });
const rateLimited = { code: 'rate_limited', status: 429 };

// Budgets are fixed windows (a minute per address, 15 minutes per account). The clock stands still a
// second into a window, so a slow run (each sign-up hashes a password) cannot straddle two of them.
const WINDOW_MS = 15 * 60_000;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS + 1000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('REST calls without valid credentials', () => {
  it('answer 401 until the address has failed too often, then 429 with Retry-After', async () => {
    const list = (headers: Record<string, string>) => h.call(deployments.GET, '/api/v1/deployments', { headers });
    expect((await list(from('10.3.0.1'))).status).toBe(401);
    expect((await list(from('10.3.0.1', { authorization: 'Bearer gguf_nope' }))).status).toBe(401);
    expect((await list(from('10.3.0.1', { cookie: 'next-auth.session-token=forged' }))).status).toBe(401);
    const refused = await list(from('10.3.0.1'));
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({ type: 'rate_limited', message: expect.stringMatching(/^Too many requests without valid credentials from your address\. Retry in \d+ s\.$/) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Valid credentials from the same address get through; other addresses have budgets of their own.
    expect((await list(from('10.3.0.1', tenant.auth))).status).toBe(200);
    expect((await list(from('10.3.0.2'))).status).toBe(401);
  });

  it('count on the admin API too', async () => {
    const list = () => h.call(organizations.GET, '/api/v1/admin/organizations', { headers: from('10.3.1.1', { authorization: 'Bearer wrong-admin-token-0123456789' }) });
    for (let i = 0; i < 3; i++) expect((await list()).status).toBe(401);
    expect((await list()).status).toBe(429);
  });
});

describe('sign-up', () => {
  it('is throttled per address', async () => {
    for (let i = 0; i < 3; i++) await signUpFrom('10.4.0.1', signUpInput(`${newId('user')}@example.com`));
    await expect(signUpFrom('10.4.0.1', signUpInput(`${newId('user')}@example.com`))).rejects.toMatchObject({
      ...rateLimited,
      message: expect.stringMatching(/^Too many sign-up attempts from your address\. Retry in \d+ s\.$/),
    });
  });

  it('is throttled per email address, from any address', async () => {
    const email = `${newId('user')}@example.com`;
    await signUpFrom('10.4.1.1', signUpInput(email));
    await expect(signUpFrom('10.4.1.2', signUpInput(email))).rejects.toMatchObject({ code: 'conflict' });
    await expect(signUpFrom('10.4.1.3', signUpInput(email.toUpperCase()))).rejects.toMatchObject(rateLimited);
  });
});

describe('invitations', () => {
  it('are throttled per address before anything else happens', async () => {
    for (let i = 0; i < 3; i++) await expect(signUpInvited('10.5.0.1', `unknown-${i}`, { name: 'X', password: 'a-long-enough-password' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(signUpInvited('10.5.0.1', 'unknown', { name: 'X', password: 'a-long-enough-password' })).rejects.toMatchObject(rateLimited);
  });

  it('are throttled per invited email on acceptance', async () => {
    const owner = adminInOrg(h.system, tenant.orgId);
    const id = newId('user');
    const email = `${id}@example.com`;
    await h.db.user.create({ data: { id, email, name: 'I', passwordHash: await hashPassword('a-long-enough-password') } });
    const token = (invitation: { link: string }) => invitation.link.split('/invite/')[1]!;
    const first = token(await createInvitation(owner, { email, role: 'member' }));
    expect(await acceptInvitation('10.5.1.1', first, { id, email })).toBe(tenant.orgId);
    await expect(acceptInvitation('10.5.1.2', first, { id, email })).rejects.toMatchObject({ code: 'not_found' });
    await expect(acceptInvitation('10.5.1.3', first, { id, email })).rejects.toMatchObject(rateLimited);
  });
});

describe('the playground stream route', () => {
  it('acts for a session from the address the dashboard was reached at, not from another site', async () => {
    const id = newId('user');
    await h.db.user.create({ data: { id, email: `${id}@example.com`, name: 'P', passwordHash: null } });
    await h.db.membership.create({ data: { orgId: tenant.orgId, userId: id, role: 'owner' } });
    const model = { source: 'huggingface', repo: 'acme/tiny-GGUF', file: 'tiny.gguf' } as const;
    const { deployment } = await createDeployment(h.context.deps, adminInOrg(h.system, tenant.orgId), createDeploymentBody.parse({ name: 'p', model, gpu: { count: 0 } }));
    const cookie = await h.sessionCookie(id);
    const stream = (origin: string, body: unknown) =>
      h.call(playgroundStream as never, `/deployments/${deployment.id}/playground/stream`, { method: 'POST', params: { id: deployment.id }, headers: { cookie, origin, host: '127.0.0.1:3000' }, body });
    // Past the origin, the session and the deployment, the chat itself is checked: a 400 naming the field.
    const reached = await stream('http://127.0.0.1:3000', { messages: [] });
    expect(reached.status).toBe(400);
    expect(reached.json.error.param).toBe('messages');
    expect((await stream('http://evil.example', { messages: [{ role: 'user', content: 'hi' }] })).status).toBe(403);
  });
});

describe('a throttled sign-in', () => {
  it('is worded on the sign-in page from its code alone', () => {
    expect(signInErrorMessage('TooManyAttempts:42')).toBe('Too many sign-in attempts. Wait 42 seconds, then try again.');
    expect(signInErrorMessage('TooManyAttempts:900')).toBe('Too many sign-in attempts. Wait 15 minutes, then try again.');
    expect(signInErrorMessage('TooManyAttempts:soon<b>')).toBe('Sign-in failed. Try again.');
  });

  it('answers 429 with Retry-After and the body next-auth wrote; other refusals stay as they are', async () => {
    const json = { 'content-type': 'application/json' };
    const body = JSON.stringify({ url: 'http://localhost:3000/api/auth/error?error=TooManyAttempts%3A30' });
    const throttled = await throttledAnswer(new Response(body, { status: 401, headers: json }));
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('30');
    expect(await throttled.text()).toBe(body);
    const wrong = await throttledAnswer(new Response(JSON.stringify({ url: 'http://localhost:3000/api/auth/error?error=CredentialsSignin' }), { status: 401, headers: json }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('retry-after')).toBeNull();
  });
});
