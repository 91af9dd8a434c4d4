import { createOrganization, createOrganizationApiKey, type ApiDeps } from '@gguf/api';
import { createLogger, hashPassword, newId } from '@gguf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, upload } from './e2e/loopback-client';
import { type RunningWeb, startWeb } from './e2e/next-server';

/**
 * The web app's front door through the real Next server (`next start`): what reaches the socket
 * before authentication, who the client is, and what a session is worth after sign-out. Each
 * test plays its own clients from their own loopback addresses (127.0.0.x), as throttles count
 * per address.
 */
const FAILURES_PER_ADDRESS = 5;
const SIGN_INS_PER_ACCOUNT = 3;
const MB = 1024 * 1024;
/** What the server may read of a refused upload: headers, socket buffers, never the body. */
const READ_BUDGET = 8 * MB;

let web: RunningWeb;
let key: string;
let orgId: string;

beforeAll(async () => {
  web = await startWeb({
    API_AUTH_FAILURES_PER_ADDRESS: String(FAILURES_PER_ADDRESS),
    AUTH_RATE_LIMIT_PER_ACCOUNT: String(SIGN_INS_PER_ACCOUNT),
    AUTH_RATE_LIMIT_PER_ADDRESS: '50',
    // One loopback address plays a reverse proxy; every other one is a client straight on the socket.
    TRUSTED_PROXIES: '127.0.0.2',
  });
  const deps = { db: web.db, logger: createLogger('front-door-test', 'silent') } as ApiDeps;
  const system = { actor: { type: 'system' as const, id: null }, requestId: newId('request') };
  orgId = (await createOrganization(deps, system, { name: 'Front door' })).id;
  key = (await createOrganizationApiKey(deps, system, orgId, { name: 'k' })).key;
}, 900_000);

afterAll(async () => {
  await web?.stop();
}, 60_000);

async function member(email = `${newId('user')}@example.com`, password = 'a-long-enough-password') {
  const id = newId('user');
  await web.db.user.create({ data: { id, email, name: 'M', passwordHash: await hashPassword(password) } });
  await web.db.membership.create({ data: { orgId, userId: id, role: 'owner' } });
  return { id, email, password };
}

/** next-auth's credentials sign-in as its client does it: CSRF token and cookie, then the form post. */
async function signIn(email: string, password: string, from: string) {
  const csrf = await call(`${web.url}/api/auth/csrf`, { from });
  const csrfCookie = String(csrf.headers['set-cookie']?.find((c) => c.startsWith('next-auth.csrf-token='))?.split(';')[0]);
  const answer = await call(`${web.url}/api/auth/callback/credentials`, {
    method: 'POST',
    from,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie, origin: web.url },
    body: new URLSearchParams({ email, password, csrfToken: csrf.json.csrfToken, json: 'true', callbackUrl: `${web.url}/deployments` }).toString(),
  });
  const session = answer.headers['set-cookie']?.find((c) => c.startsWith('next-auth.session-token='))?.split(';')[0];
  return { answer, session, csrfCookie, csrfToken: csrf.json.csrfToken as string };
}

/**
 * Throttles count in fixed windows (a minute per address, 15 minutes per account): a sequence that
 * must land in one window starts early in one, waiting for the next when this one is nearly over.
 */
async function earlyInWindow(windowMs: number, needMs: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 200));
}

const listDeployments = (headers: Record<string, string>, from = '127.0.0.1') => call(`${web.url}/api/v1/deployments`, { headers, from });

describe('a large upload', () => {
  it('without credentials is answered 401 and cut off, not read', { timeout: 120_000 }, async () => {
    const before = await web.bytesRead();
    const result = await upload(web.port, '/api/v1/deployments', 50 * MB, { from: '127.0.0.11' });
    const read = (await web.bytesRead()) - before;
    expect(result.head).toMatch(/^HTTP\/1\.1 401 /);
    expect(result.head.toLowerCase()).toContain('connection: close');
    expect(result.written).toBeLessThan(50 * MB);
    expect(read).toBeLessThan(READ_BUDGET);
  });

  it('with a key but a declared Content-Length past the limit is answered 413 at once', { timeout: 120_000 }, async () => {
    const before = await web.bytesRead();
    const result = await upload(web.port, '/api/v1/deployments', 50 * MB, { headers: { authorization: `Bearer ${key}` }, from: '127.0.0.12' });
    expect(result.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.written).toBeLessThan(50 * MB);
    expect((await web.bytesRead()) - before).toBeLessThan(READ_BUDGET);
  });

  it('with a key, sent chunked, is read only up to the limit', { timeout: 120_000 }, async () => {
    const before = await web.bytesRead();
    const result = await upload(web.port, '/api/v1/deployments', 50 * MB, { headers: { authorization: `Bearer ${key}` }, chunked: true, from: '127.0.0.13' });
    expect(result.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.written).toBeLessThan(50 * MB);
    expect((await web.bytesRead()) - before).toBeLessThan(READ_BUDGET);
  });

  it('leaves ordinary requests with and without a body alone', async () => {
    const created = await call(`${web.url}/api/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', connection: 'keep-alive' },
      body: JSON.stringify({ name: 'through the door' }),
      from: '127.0.0.14',
    });
    expect(created.status).toBe(201);
    expect(created.headers.connection).toBe('keep-alive');
    // The proxy still answers a bodiless wrong method with the API's JSON 405.
    const wrong = await call(`${web.url}/api/v1/deployments`, { method: 'DELETE', from: '127.0.0.14' });
    expect(wrong.status).toBe(405);
    expect(wrong.json.error.type).toBe('method_not_allowed');
  });
});

describe('calls without valid credentials', () => {
  const attempt = (from: string, headers: Record<string, string> = {}) => listDeployments(headers, from);

  it('are throttled per client address, whatever X-Forwarded-For a client makes up', async () => {
    await earlyInWindow(60_000, 15_000);
    for (let i = 0; i < FAILURES_PER_ADDRESS; i++) expect((await attempt('127.0.0.21', { 'x-forwarded-for': `198.51.100.${i}` })).status).toBe(401);
    const refused = await attempt('127.0.0.21', { 'x-forwarded-for': '198.51.100.99', authorization: 'Bearer gguf_wrong' });
    expect(refused.status).toBe(429);
    expect(refused.json.error.type).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Valid credentials from the same address still work; another address has its own budget.
    expect((await attempt('127.0.0.21', { authorization: `Bearer ${key}` })).status).toBe(200);
    expect((await attempt('127.0.0.22')).status).toBe(401);
  });

  it('behind a trusted proxy count for the client it names', async () => {
    await earlyInWindow(60_000, 15_000);
    const viaProxy = (client: string) => attempt('127.0.0.2', { 'x-forwarded-for': `203.0.113.50, ${client}` });
    for (let i = 0; i < FAILURES_PER_ADDRESS; i++) expect((await viaProxy('203.0.113.7')).status).toBe(401);
    expect((await viaProxy('203.0.113.7')).status).toBe(429);
    expect((await viaProxy('203.0.113.8')).status).toBe(401);
  });
});

describe('sessions', () => {
  it('end at sign-out: the same cookie is refused afterwards', async () => {
    const user = await member();
    const { answer, session, csrfCookie, csrfToken } = await signIn(user.email, user.password, '127.0.0.31');
    expect(answer.status).toBe(200);
    expect(session).toBeDefined();
    expect((await listDeployments({ cookie: session! })).status).toBe(200);
    const out = await call(`${web.url}/api/auth/signout`, {
      method: 'POST',
      from: '127.0.0.31',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${csrfCookie}; ${session}`, origin: web.url },
      body: new URLSearchParams({ csrfToken, json: 'true' }).toString(),
    });
    expect(out.status).toBe(200);
    expect((await listDeployments({ cookie: session! })).status).toBe(401);
    expect(await web.db.session.count({ where: { userId: user.id, revokedAt: { not: null } } })).toBe(1);
  });

  it('end when an admin sets a new password, and when the user is disabled', async () => {
    const admin = { authorization: `Bearer ${web.adminToken}`, 'content-type': 'application/json' };
    const user = await member();
    const first = (await signIn(user.email, user.password, '127.0.0.32')).session!;
    const second = (await signIn(user.email, user.password, '127.0.0.32')).session!;
    expect((await listDeployments({ cookie: first })).status).toBe(200);
    const changed = await call(`${web.url}/api/v1/admin/users/${user.id}`, { method: 'PATCH', headers: admin, body: JSON.stringify({ password: 'another-long-password' }) });
    expect(changed.status).toBe(200);
    for (const cookie of [first, second]) expect((await listDeployments({ cookie })).status).toBe(401);

    const third = (await signIn(user.email, 'another-long-password', '127.0.0.32')).session!;
    expect((await listDeployments({ cookie: third })).status).toBe(200);
    await call(`${web.url}/api/v1/admin/users/${user.id}`, { method: 'PATCH', headers: admin, body: JSON.stringify({ disabled: true }) });
    await call(`${web.url}/api/v1/admin/users/${user.id}`, { method: 'PATCH', headers: admin, body: JSON.stringify({ disabled: false }) });
    expect((await listDeployments({ cookie: third })).status).toBe(401);
    // The dashboard reads sessions the same way: the page sends a revoked session to sign in.
    const page = await call(`${web.url}/deployments`, { headers: { cookie: third } });
    expect(page.status).toBe(307);
    expect(page.headers.location).toMatch(/\/sign-in$/);
  });
});

describe('sign-in', () => {
  it('is throttled per account before the password is checked: 429 with Retry-After, and the form says so', { timeout: 90_000 }, async () => {
    await earlyInWindow(15 * 60_000, 30_000);
    const user = await member();
    for (let i = 0; i < SIGN_INS_PER_ACCOUNT; i++) {
      const wrong = await signIn(user.email, 'not the password', `127.0.0.${41 + i}`);
      expect(wrong.answer.status).toBe(401);
      expect(wrong.session).toBeUndefined();
    }
    const refused = await signIn(user.email, user.password, '127.0.0.45');
    expect(refused.answer.status).toBe(429);
    const wait = Number(refused.answer.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expect(refused.session).toBeUndefined();
    const code = new URL(refused.answer.json.url).searchParams.get('error');
    expect(code).toBe(`TooManyAttempts:${wait}`);
    const page = await call(`${web.url}/sign-in?error=${encodeURIComponent(code!)}`);
    expect(page.text).toContain('Too many sign-in attempts. Wait');
  });
});

describe('same-origin checks', () => {
  const createKey = (cookie: string, headers: Record<string, string>, from = '127.0.0.51') =>
    call(`${web.url}/api/v1/api-keys`, { method: 'POST', from, headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name: 'from the dashboard' }) });

  it('accept the address the dashboard was reached at as well as PUBLIC_WEB_URL, and nothing else', async () => {
    const user = await member();
    const { session } = await signIn(user.email, user.password, '127.0.0.51');
    expect(web.publicWebUrl).not.toBe(web.url);
    expect((await createKey(session!, { origin: web.url })).status).toBe(201);
    expect((await createKey(session!, { origin: web.publicWebUrl })).status).toBe(201);
    const refused = await createKey(session!, { origin: 'http://evil.example' });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/Cross-site/);
    // A made-up X-Forwarded-Host from a client that is not a trusted proxy is dropped at the door.
    expect((await createKey(session!, { origin: 'https://evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' })).status).toBe(403);
    // A trusted proxy's word is taken for where it was reached.
    expect((await createKey(session!, { origin: 'https://gguf.example.com', 'x-forwarded-host': 'gguf.example.com', 'x-forwarded-proto': 'https' }, '127.0.0.2')).status).toBe(201);
  });

  it('let the playground stream route act from the address the dashboard was reached at', async () => {
    const user = await member();
    const { session } = await signIn(user.email, user.password, '127.0.0.52');
    const missing = newId('deployment');
    const stream = (origin: string) =>
      call(`${web.url}/deployments/${missing}/playground/stream`, {
        method: 'POST',
        from: '127.0.0.52',
        headers: { cookie: session!, origin, 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      });
    // Past the origin and session checks, it looks for the deployment: 404, not 403.
    const reached = await stream(web.url);
    expect(reached.status).toBe(404);
    expect(reached.json.error.type).toBe('not_found');
    expect((await stream('http://evil.example')).status).toBe(403);
  });
});
