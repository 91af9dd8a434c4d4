import { writeAuditLog } from '../audit/write-audit-log';
import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { findOrganization } from '../organizations/find-organization';
import { findUser } from '../users/find-user';
import type { MembershipObject, PutMembershipInput } from './schemas';
import { serializeMembership, WITH_USER } from './serialize-membership';

/** Adds a user to an organization, or changes the role of one who is already a member. */
export async function putMembership(deps: ApiDeps, scope: AdminScope, orgId: string, input: PutMembershipInput): Promise<MembershipObject> {
  const row = await deps.db.$transaction(async (tx) => {
    await findOrganization(tx, orgId);
    await findUser(tx, input.user_id);
    const saved = await tx.membership.upsert({
      where: { orgId_userId: { orgId, userId: input.user_id } },
      create: { orgId, userId: input.user_id, role: input.role },
      update: { role: input.role },
      include: WITH_USER,
    });
    await writeAuditLog(tx, { ...scope, orgId, action: 'membership.put', targetType: 'user', targetId: input.user_id, details: { role: input.role } });
    return saved;
  });
  return serializeMembership(row);
}
