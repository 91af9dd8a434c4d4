import type { ActorType, MemberRole } from '@gguf/db';
import { ApiError } from '../errors/api-error';

/** Who did something, as the audit log records it. */
export interface Actor {
  type: ActorType;
  id: string | null;
}

/**
 * An authenticated caller acting inside one organization. `role` is the membership role for a
 * dashboard user; an unrestricted org API key and the admin token act as `owner`.
 */
export interface OrgScope {
  orgId: string;
  role: MemberRole;
  actor: Actor;
  requestId: string;
}

/** An authenticated platform operator (admin token or a platform admin's session). */
export interface AdminScope {
  actor: Actor;
  requestId: string;
}

/**
 * Roles: owners and admins manage API keys and everything else in the organization; members
 * manage deployments and read the rest.
 */
export function requireKeyManager(scope: OrgScope): void {
  if (scope.role === 'member') throw new ApiError('permission_denied', 'Managing API keys needs the owner or admin role in this organization.');
}

/** The admin acting inside one tenant, e.g. to bootstrap its first key. */
export function adminInOrg(scope: AdminScope, orgId: string): OrgScope {
  return { orgId, role: 'owner', actor: scope.actor, requestId: scope.requestId };
}
