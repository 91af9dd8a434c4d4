import { writeAuditLog } from '../audit/write-audit-log';
import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { findOrganization } from './find-organization';
import { hfTokenSettingOf, requireHfTokenManager } from './get-hf-token-setting';
import type { HfTokenSettingObject } from './schemas';

/** Removes the organization's own Hugging Face token; clearing none is not an error (and writes no audit entry). */
export async function clearHfToken(deps: ApiDeps, scope: OrgScope): Promise<HfTokenSettingObject> {
  requireHfTokenManager(scope);
  const row = await deps.db.$transaction(async (tx) => {
    const before = await findOrganization(tx, scope.orgId);
    if (before.hfTokenSecret === null) return before;
    const updated = await tx.organization.update({ where: { id: scope.orgId }, data: { hfTokenSecret: null } });
    await writeAuditLog(tx, { ...scope, action: 'organization.hf_token.clear', targetType: 'organization', targetId: scope.orgId });
    return updated;
  });
  return hfTokenSettingOf(row);
}
