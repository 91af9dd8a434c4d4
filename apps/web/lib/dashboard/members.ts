import { changeOrgMemberRole, listOrgMembers, type MembershipObject, type OrgScope, removeOrgMember } from '@gguf/api';
import type { MemberRole } from '@gguf/db';
import { serverContext } from '../server/context';

/** The members page's calls, bound to this server's dependencies; the rules live in @gguf/api. */
export function listMembers(scope: OrgScope): Promise<MembershipObject[]> {
  return listOrgMembers(serverContext().deps, scope);
}

export function changeMemberRole(scope: OrgScope, userId: string, role: MemberRole): Promise<void> {
  return changeOrgMemberRole(serverContext().deps, scope, userId, role);
}

export function removeMember(scope: OrgScope, userId: string): Promise<void> {
  return removeOrgMember(serverContext().deps, scope, userId);
}
