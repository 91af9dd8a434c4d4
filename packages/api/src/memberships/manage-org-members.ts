import type { MemberRole } from '@gguf/db';
import type { AdminScope, OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import { listMemberships } from './list-memberships';
import { putMembership } from './put-membership';
import { removeMembership } from './remove-membership';
import type { MembershipObject } from './schemas';

/**
 * An organization's owners and admins manage its members with the admin-scoped membership
 * functions, for their own organization only, with the rules a tenant needs on top: only owners
 * hand out or take away ownership, and the last owner cannot leave or be demoted.
 */
export function requireMemberManager(scope: OrgScope): AdminScope {
  if (scope.role === 'member') throw new ApiError('permission_denied', 'Managing members needs the owner or admin role in this organization.');
  return { actor: scope.actor, requestId: scope.requestId };
}

export async function listOrgMembers(deps: ApiDeps, scope: OrgScope): Promise<MembershipObject[]> {
  return (await listMemberships(deps, { actor: scope.actor, requestId: scope.requestId }, scope.orgId)).data;
}

async function assertOwnershipRules(deps: ApiDeps, scope: OrgScope, userId: string, newRole: MemberRole | null): Promise<void> {
  const members = await listOrgMembers(deps, scope);
  const target = members.find((m) => m.user_id === userId);
  if (!target) throw new ApiError('not_found', 'That user is not a member of this organization.');
  const touchesOwner = target.role === 'owner' || newRole === 'owner';
  if (touchesOwner && scope.role !== 'owner') throw new ApiError('permission_denied', 'Only an owner can grant or take away the owner role.');
  const owners = members.filter((m) => m.role === 'owner').length;
  if (target.role === 'owner' && newRole !== 'owner' && owners === 1) throw new ApiError('conflict', 'An organization needs at least one owner; make someone else owner first.');
}

export async function changeOrgMemberRole(deps: ApiDeps, scope: OrgScope, userId: string, role: MemberRole): Promise<void> {
  const admin = requireMemberManager(scope);
  await assertOwnershipRules(deps, scope, userId, role);
  await putMembership(deps, admin, scope.orgId, { user_id: userId, role });
}

export async function removeOrgMember(deps: ApiDeps, scope: OrgScope, userId: string): Promise<void> {
  const admin = requireMemberManager(scope);
  await assertOwnershipRules(deps, scope, userId, null);
  await removeMembership(deps, admin, scope.orgId, userId);
}
