import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps } from '../testing/test-deps';
import { createUser } from '../users/create-user';
import { updateUser } from '../users/update-user';
import { linkOAuthIdentity, type OAuthProfile } from './link-oauth-identity';

/** Every way an identity-provider sign-in becomes (or does not become) a user, on the real database. */
let api: Awaited<ReturnType<typeof createTestDeps>>;

beforeAll(async () => {
  api = await createTestDeps();
});

afterAll(async () => {
  await api?.close();
});

let accounts = 0;
const profile = (overrides: Partial<OAuthProfile>): OAuthProfile => ({
  provider: 'github',
  providerAccountId: `account-${++accounts}`,
  email: null,
  emailVerified: true,
  name: 'Someone',
  ...overrides,
});

const auditActions = async (targetId: string) =>
  (await api.db.auditLog.findMany({ where: { targetId }, orderBy: { id: 'asc' } })).map((row) => row.action);

describe('linkOAuthIdentity', () => {
  it('creates a user without a password and their organization when sign-up is open', async () => {
    const signedIn = await linkOAuthIdentity(api.deps, profile({ providerAccountId: '1001', email: 'Nia@Example.com', name: 'Nia' }), 'open');
    expect(signedIn).toMatchObject({ email: 'nia@example.com', name: 'Nia', isPlatformAdmin: false });
    const user = await api.db.user.findUniqueOrThrow({ where: { id: signedIn.id }, include: { identities: true, memberships: { include: { organization: true } } } });
    expect(user.passwordHash).toBeNull();
    expect(user.lastLoginAt).not.toBeNull();
    expect(user.identities.map((i) => [i.provider, i.providerAccountId])).toEqual([['github', '1001']]);
    expect(user.memberships.map((m) => [m.role, m.organization.name])).toEqual([['owner', "Nia's organization"]]);
    expect(await auditActions(user.id)).toEqual(['user.create']);
  });

  it('signs a linked identity in as its user, whatever email the provider now reports', async () => {
    const first = await linkOAuthIdentity(api.deps, profile({ provider: 'oidc', providerAccountId: 'sub-7', email: 'oli@example.com' }), 'open');
    const again = await linkOAuthIdentity(api.deps, profile({ provider: 'oidc', providerAccountId: 'sub-7', email: 'changed@example.com', emailVerified: false }), 'invite');
    expect(again.id).toBe(first.id);
    expect(await api.db.user.count({ where: { email: 'changed@example.com' } })).toBe(0);
  });

  it('links a new identity to the user with the same verified email, in invite mode too', async () => {
    const existing = await createUser(api.deps, api.system, { email: 'vera@example.com', name: 'Vera', is_platform_admin: true });
    const signedIn = await linkOAuthIdentity(api.deps, profile({ providerAccountId: '2002', email: 'VERA@example.com' }), 'invite');
    expect(signedIn).toMatchObject({ id: existing.id, isPlatformAdmin: true });
    expect(await api.db.authIdentity.findMany({ where: { userId: existing.id }, select: { provider: true, providerAccountId: true } })).toEqual([
      { provider: 'github', providerAccountId: '2002' },
    ]);
    expect(await auditActions(existing.id)).toEqual(['user.create', 'auth_identity.create']);
    expect(await api.db.membership.count({ where: { userId: existing.id } })).toBe(0);
  });

  it('never matches or creates an account by an unverified email', async () => {
    await createUser(api.deps, api.system, { email: 'uma@example.com', name: 'Uma', is_platform_admin: false });
    await expect(linkOAuthIdentity(api.deps, profile({ email: 'uma@example.com', emailVerified: false }), 'open')).rejects.toMatchObject({ code: 'email_unverified' });
    await expect(linkOAuthIdentity(api.deps, profile({ email: null }), 'open')).rejects.toMatchObject({ code: 'email_unverified' });
    expect(await api.db.authIdentity.count({ where: { user: { email: 'uma@example.com' } } })).toBe(0);
  });

  it('refuses a stranger in invite mode and creates nothing', async () => {
    const users = await api.db.user.count();
    await expect(linkOAuthIdentity(api.deps, profile({ email: 'stranger@example.com' }), 'invite')).rejects.toMatchObject({
      name: 'OAuthRefusal',
      code: 'invite_only',
      message: expect.stringContaining('created by an administrator or an invitation'),
    });
    expect(await api.db.user.count()).toBe(users);
  });

  it('refuses a disabled user, by linked identity and by email, without linking', async () => {
    const linked = await linkOAuthIdentity(api.deps, profile({ providerAccountId: '3003', email: 'dan@example.com' }), 'open');
    await updateUser(api.deps, api.system, linked.id, { disabled: true });
    await expect(linkOAuthIdentity(api.deps, profile({ providerAccountId: '3003', email: 'dan@example.com' }), 'open')).rejects.toMatchObject({ code: 'disabled' });
    await expect(linkOAuthIdentity(api.deps, profile({ provider: 'oidc', providerAccountId: 'dan', email: 'dan@example.com' }), 'open')).rejects.toMatchObject({
      code: 'disabled',
      message: expect.stringContaining('disabled'),
    });
    expect(await api.db.authIdentity.count({ where: { userId: linked.id } })).toBe(1);
  });
});
