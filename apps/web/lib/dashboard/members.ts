import { type AdminScope, ApiError, listMemberships, type MembershipObject, type OrgScope, putMembership, removeMembership } from '@gguf/api';
import type { MemberRole } from '@gguf/db';
import { serverContext } from '../server/context';

/**
 * Members are managed with the control plane's membership functions, which are admin-scoped; the
 * dashboard lets an organization's owners and admins use them for their own organization only,
 * with the rules a tenant needs on top: only owners hand out or take away ownership, and the last
 * owner cannot leave or be demoted.
 */
export function requireMemberManager(scope: OrgScope): AdminScope {
  if (scope.role === 'member') throw new ApiError('permission_denied', 'Managing members needs the owner or admin role in this organization.');
  return { actor: scope.actor, requestId: scope.requestId };
}

export async function listMembers(scope: OrgScope): Promise<MembershipObject[]> {
  return (await listMemberships(serverContext().deps, { actor: scope.actor, requestId: scope.requestId }, scope.orgId)).data;
}

async function assertOwnershipRules(scope: OrgScope, userId: string, newRole: MemberRole | null): Promise<void> {
  const members = await listMembers(scope);
  const target = members.find((m) => m.user_id === userId);
  if (!target) throw new ApiError('not_found', 'That user is not a member of this organization.');
  const touchesOwner = target.role === 'owner' || newRole === 'owner';
  if (touchesOwner && scope.role !== 'owner') throw new ApiError('permission_denied', 'Only an owner can grant or take away the owner role.');
  const owners = members.filter((m) => m.role === 'owner').length;
  if (target.role === 'owner' && newRole !== 'owner' && owners === 1) throw new ApiError('conflict', 'An organization needs at least one owner; make someone else owner first.');
}

export async function changeMemberRole(scope: OrgScope, userId: string, role: MemberRole): Promise<void> {
  const admin = requireMemberManager(scope);
  await assertOwnershipRules(scope, userId, role);
  await putMembership(serverContext().deps, admin, scope.orgId, { user_id: userId, role });
}

export async function removeMember(scope: OrgScope, userId: string): Promise<void> {
  const admin = requireMemberManager(scope);
  await assertOwnershipRules(scope, userId, null);
  await removeMembership(serverContext().deps, admin, scope.orgId, userId);
}
