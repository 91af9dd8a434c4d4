import type { Database } from '@gguf/db';
import { ApiError } from '../errors/api-error';
import type { AdminScope, OrgScope } from './principal';

export interface SessionClaims {
  userId: string;
  /** The organization the user chose (cookie); falls back to their first membership. */
  orgId?: string | null;
}

/**
 * Turns a signed session into a scope, re-reading the user and membership on every request: a
 * disabled user or a removed membership loses access at once, not when the session expires.
 */
export async function resolveSessionOrgScope(db: Database, claims: SessionClaims, requestId: string): Promise<OrgScope> {
  const user = await db.user.findUnique({ where: { id: claims.userId }, select: { disabledAt: true } });
  if (!user || user.disabledAt) throw new ApiError('authentication_error', 'Your session is no longer valid; sign in again.');
  const memberships = await db.membership.findMany({
    where: { userId: claims.userId, organization: { deletedAt: null } },
    orderBy: { createdAt: 'asc' },
  });
  const membership = memberships.find((m) => m.orgId === claims.orgId) ?? memberships[0];
  if (!membership) throw new ApiError('permission_denied', 'You are not a member of any organization.');
  return { orgId: membership.orgId, role: membership.role, actor: { type: 'user', id: claims.userId }, requestId };
}

export async function resolveSessionAdminScope(db: Database, claims: SessionClaims, requestId: string): Promise<AdminScope> {
  const user = await db.user.findUnique({ where: { id: claims.userId }, select: { disabledAt: true, isPlatformAdmin: true } });
  if (!user || user.disabledAt) throw new ApiError('authentication_error', 'Your session is no longer valid; sign in again.');
  if (!user.isPlatformAdmin) throw new ApiError('permission_denied', 'The admin API needs a platform administrator.');
  return { actor: { type: 'user', id: claims.userId }, requestId };
}
