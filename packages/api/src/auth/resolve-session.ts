import { isId } from '@gguf/core';
import type { Database } from '@gguf/db';
import { ApiError } from '../errors/api-error';
import type { SignedInUser } from './authenticate-password';
import type { AdminScope, OrgScope } from './principal';

/** What a verified session cookie says; none of it is trusted until the session row confirms it. */
export interface SessionClaims {
  /** The sessions row the cookie was issued for (start-session.ts). */
  sessionId: string;
  userId: string;
  /** The organization the user chose (cookie); falls back to their first membership. */
  orgId?: string | null;
}

/**
 * The user behind a session, re-read on every request: the session row must exist, belong to the
 * user, be neither revoked (sign-out, password change, deactivation) nor expired, and the user must
 * be enabled. A cookie is never enough on its own.
 */
export async function resolveSessionUser(db: Database, claims: SessionClaims): Promise<SignedInUser> {
  const row = isId('session', claims.sessionId)
    ? await db.session.findUnique({
        where: { id: claims.sessionId },
        include: { user: { select: { id: true, email: true, name: true, isPlatformAdmin: true, disabledAt: true } } },
      })
    : null;
  if (!row || row.userId !== claims.userId || row.revokedAt || row.expiresAt <= new Date() || row.user.disabledAt) {
    throw new ApiError('authentication_error', 'Your session is no longer valid; sign in again.');
  }
  const { id, email, name, isPlatformAdmin } = row.user;
  return { id, email, name, isPlatformAdmin };
}

/** A session's scope in the user's current organization; a removed membership loses access at once. */
export async function resolveSessionOrgScope(db: Database, claims: SessionClaims, requestId: string): Promise<OrgScope> {
  await resolveSessionUser(db, claims);
  const memberships = await db.membership.findMany({
    where: { userId: claims.userId, organization: { deletedAt: null } },
    orderBy: { createdAt: 'asc' },
  });
  const membership = memberships.find((m) => m.orgId === claims.orgId) ?? memberships[0];
  if (!membership) throw new ApiError('permission_denied', 'You are not a member of any organization.');
  return { orgId: membership.orgId, role: membership.role, actor: { type: 'user', id: claims.userId }, requestId };
}

export async function resolveSessionAdminScope(db: Database, claims: SessionClaims, requestId: string): Promise<AdminScope> {
  const user = await resolveSessionUser(db, claims);
  if (!user.isPlatformAdmin) throw new ApiError('permission_denied', 'The admin API needs a platform administrator.');
  return { actor: { type: 'user', id: claims.userId }, requestId };
}
