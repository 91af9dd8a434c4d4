import { newId, verifyPassword } from '@gguf/core';
import { createTestDatabase, type TestDatabase } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPlatformAdmin } from './seed-platform-admin';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

describe('seedPlatformAdmin', () => {
  it('creates the admin with a Default organization, once', async () => {
    expect(await seedPlatformAdmin(t.db, ' Admin@Example.COM ', 'first-password', false)).toEqual({ email: 'admin@example.com', created: true, passwordUpdated: true });
    const user = await t.db.user.findUniqueOrThrow({ where: { email: 'admin@example.com' }, include: { memberships: { include: { organization: true } } } });
    expect(user.isPlatformAdmin).toBe(true);
    expect(await verifyPassword('first-password', user.passwordHash!)).toBe(true);
    expect(user.memberships).toMatchObject([{ role: 'owner', organization: { name: 'Default' } }]);
    expect(await t.db.auditLog.count({ where: { action: 'user.create', targetId: user.id } })).toBe(1);

    expect(await seedPlatformAdmin(t.db, 'admin@example.com', 'generated-again', false)).toMatchObject({ created: false, passwordUpdated: false });
    expect(await t.db.organization.count()).toBe(1);
    const again = await t.db.user.findUniqueOrThrow({ where: { email: 'admin@example.com' } });
    expect(await verifyPassword('first-password', again.passwordHash!)).toBe(true);
  });

  it('resets the password, admin flag and disabled state when the operator sets ADMIN_PASSWORD, ending the sessions', async () => {
    const admin = await t.db.user.update({ where: { email: 'admin@example.com' }, data: { isPlatformAdmin: false, disabledAt: new Date() } });
    const session = await t.db.session.create({ data: { id: newId('session'), userId: admin.id, expiresAt: new Date(Date.now() + 3_600_000) } });
    expect(await seedPlatformAdmin(t.db, 'admin@example.com', 'explicit', true)).toMatchObject({ created: false, passwordUpdated: true });
    const user = await t.db.user.findUniqueOrThrow({ where: { email: 'admin@example.com' } });
    expect(user).toMatchObject({ isPlatformAdmin: true, disabledAt: null });
    expect(await verifyPassword('explicit', user.passwordHash!)).toBe(true);
    expect((await t.db.session.findUniqueOrThrow({ where: { id: session.id } })).revokedAt).not.toBeNull();
  });

  it('keeps the sessions when ADMIN_PASSWORD is the password the admin already has', async () => {
    const admin = await t.db.user.findUniqueOrThrow({ where: { email: 'admin@example.com' } });
    const session = await t.db.session.create({ data: { id: newId('session'), userId: admin.id, expiresAt: new Date(Date.now() + 3_600_000) } });
    expect(await seedPlatformAdmin(t.db, 'admin@example.com', 'explicit', true)).toMatchObject({ created: false, passwordUpdated: false });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: admin.id } })).passwordHash).toBe(admin.passwordHash);
    expect((await t.db.session.findUniqueOrThrow({ where: { id: session.id } })).revokedAt).toBeNull();
  });
});
