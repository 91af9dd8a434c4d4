import { writeAuditLog } from '../audit/write-audit-log';
import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import { findOrganization } from '../organizations/find-organization';

export async function removeMembership(deps: ApiDeps, scope: AdminScope, orgId: string, userId: string): Promise<{ org_id: string; user_id: string; deleted: true }> {
  await deps.db.$transaction(async (tx) => {
    await findOrganization(tx, orgId);
    const { count } = await tx.membership.deleteMany({ where: { orgId, userId } });
    if (count === 0) throw new ApiError('not_found', `User '${userId}' is not a member of this organization.`);
    await writeAuditLog(tx, { ...scope, orgId, action: 'membership.delete', targetType: 'user', targetId: userId });
  });
  return { org_id: orgId, user_id: userId, deleted: true };
}
