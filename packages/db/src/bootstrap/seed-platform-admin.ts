import { hashPassword, newId, verifyPassword } from '@gguf/core';
import type { Database } from '../client';

export interface SeedAdminResult {
  email: string;
  created: boolean;
  passwordUpdated: boolean;
}

/**
 * Makes sure a platform admin exists. A new admin also gets a "Default" organization to deploy
 * into. An existing admin's password is only replaced when `passwordIsExplicit` (the operator set
 * ADMIN_PASSWORD) and differs from the stored one, so a generated password printed once is never
 * silently rotated; a replaced password ends the admin's sessions, as any password change does.
 */
export async function seedPlatformAdmin(db: Database, email: string, password: string, passwordIsExplicit: boolean): Promise<SeedAdminResult> {
  const normalized = email.trim().toLowerCase();
  const existing = await db.user.findUnique({ where: { email: normalized } });
  if (existing) {
    const changed = passwordIsExplicit && !(existing.passwordHash && (await verifyPassword(password, existing.passwordHash)));
    const data = { isPlatformAdmin: true, disabledAt: null, ...(changed ? { passwordHash: await hashPassword(password) } : {}) };
    await db.$transaction([
      db.user.update({ where: { id: existing.id }, data }),
      // The same rule as the admin API's password change (@gguf/api revokeUserSessions), which this package cannot import.
      ...(changed ? [db.session.updateMany({ where: { userId: existing.id, revokedAt: null }, data: { revokedAt: new Date() } })] : []),
    ]);
    return { email: normalized, created: false, passwordUpdated: changed };
  }
  const userId = newId('user');
  const orgId = newId('organization');
  const passwordHash = await hashPassword(password);
  await db.$transaction([
    db.user.create({ data: { id: userId, email: normalized, name: 'Administrator', passwordHash, isPlatformAdmin: true } }),
    db.organization.create({ data: { id: orgId, name: 'Default', slug: `default-${orgId.slice(-6)}` } }),
    db.membership.create({ data: { orgId, userId, role: 'owner' } }),
    db.auditLog.create({ data: { actorType: 'system', action: 'user.create', targetType: 'user', targetId: userId, orgId, details: { email: normalized, platformAdmin: true } } }),
  ]);
  return { email: normalized, created: true, passwordUpdated: true };
}
