import { hashPassword, newId } from '@gguf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps } from '../testing/test-deps';
import { updateUser } from '../users/update-user';
import { resolveSessionAdminScope, resolveSessionOrgScope, resolveSessionUser } from './resolve-session';
import { revokeSession } from './revoke-sessions';
import { startSession } from './start-session';

/** A session is its row: sign-out, a password change and deactivation end it, whatever the cookie says. */
let api: Awaited<ReturnType<typeof createTestDeps>>;

beforeAll(async () => {
  api = await createTestDeps();
});
afterAll(() => api?.close());

const WEEK_S = 7 * 24 * 3600;

async function user(isPlatformAdmin = false) {
  const id = newId('user');
  await api.db.user.create({ data: { id, email: `${id}@example.com`, name: 'U', passwordHash: await hashPassword('correct horse battery'), isPlatformAdmin } });
  const orgId = newId('organization');
  await api.db.organization.create({ data: { id: orgId, name: 'O', slug: orgId } });
  await api.db.membership.create({ data: { orgId, userId: id, role: 'owner' } });
  return { id, orgId };
}

const ended = { code: 'authentication_error', message: 'Your session is no longer valid; sign in again.' };

describe('sessions', () => {
  it('are valid while their row is live, in the user’s organization', async () => {
    const { id, orgId } = await user(true);
    const sessionId = await startSession(api.db, id, WEEK_S);
    const row = await api.db.session.findUniqueOrThrow({ where: { id: sessionId } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeGreaterThan((WEEK_S - 5) * 1000);
    expect(await resolveSessionUser(api.db, { sessionId, userId: id })).toMatchObject({ id, isPlatformAdmin: true });
    expect(await resolveSessionOrgScope(api.db, { sessionId, userId: id }, 'req_x')).toMatchObject({ orgId, role: 'owner', actor: { type: 'user', id } });
    expect(await resolveSessionAdminScope(api.db, { sessionId, userId: id }, 'req_x')).toMatchObject({ actor: { type: 'user', id } });
  });

  it('end at sign-out, and only the one signed out', async () => {
    const { id } = await user();
    const [out, other] = [await startSession(api.db, id, WEEK_S), await startSession(api.db, id, WEEK_S)];
    await revokeSession(api.db, out);
    await expect(resolveSessionUser(api.db, { sessionId: out, userId: id })).rejects.toMatchObject(ended);
    await expect(resolveSessionOrgScope(api.db, { sessionId: out, userId: id }, 'req_x')).rejects.toMatchObject(ended);
    expect(await resolveSessionUser(api.db, { sessionId: other, userId: id })).toMatchObject({ id });
  });

  it('all end when an admin sets a new password or disables the user; renaming ends none', async () => {
    const { id } = await user();
    const first = await startSession(api.db, id, WEEK_S);
    await updateUser(api.deps, api.system, id, { name: 'Renamed' });
    expect(await resolveSessionUser(api.db, { sessionId: first, userId: id })).toMatchObject({ name: 'Renamed' });
    await updateUser(api.deps, api.system, id, { password: 'a brand new password' });
    await expect(resolveSessionUser(api.db, { sessionId: first, userId: id })).rejects.toMatchObject(ended);

    const second = await startSession(api.db, id, WEEK_S);
    await updateUser(api.deps, api.system, id, { disabled: true });
    await expect(resolveSessionUser(api.db, { sessionId: second, userId: id })).rejects.toMatchObject(ended);
    // Enabling the user again does not bring the old sessions back.
    await updateUser(api.deps, api.system, id, { disabled: false });
    await expect(resolveSessionUser(api.db, { sessionId: second, userId: id })).rejects.toMatchObject(ended);
  });

  it('refuse an expired row, another user’s row, a malformed id and a disabled user', async () => {
    const { id } = await user();
    const expired = await startSession(api.db, id, WEEK_S, new Date(Date.now() - (WEEK_S + 60) * 1000));
    await expect(resolveSessionUser(api.db, { sessionId: expired, userId: id })).rejects.toMatchObject(ended);
    const live = await startSession(api.db, id, WEEK_S);
    const stranger = await user();
    await expect(resolveSessionUser(api.db, { sessionId: live, userId: stranger.id })).rejects.toMatchObject(ended);
    await expect(resolveSessionUser(api.db, { sessionId: 'forged', userId: id })).rejects.toMatchObject(ended);
    await api.db.user.update({ where: { id }, data: { disabledAt: new Date() } });
    await expect(resolveSessionUser(api.db, { sessionId: live, userId: id })).rejects.toMatchObject(ended);
  });

  it('leave the table on sign-in once their time is up', async () => {
    const { id } = await user();
    const old = await startSession(api.db, id, 60, new Date(Date.now() - 3_600_000));
    const recent = await startSession(api.db, id, WEEK_S);
    expect(await api.db.session.findUnique({ where: { id: old } })).toBeNull();
    expect(await api.db.session.findUnique({ where: { id: recent } })).not.toBeNull();
  });

  it('refuse a platform admin’s session on the admin API once the flag is gone', async () => {
    const { id } = await user(true);
    const sessionId = await startSession(api.db, id, WEEK_S);
    await updateUser(api.deps, api.system, id, { is_platform_admin: false });
    await expect(resolveSessionAdminScope(api.db, { sessionId, userId: id }, 'req_x')).rejects.toMatchObject({ code: 'permission_denied' });
  });
});
