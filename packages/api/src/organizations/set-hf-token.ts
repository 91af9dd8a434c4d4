import { SECRET_COLUMNS, secretLocation } from '@gguf/core';
import { writeAuditLog } from '../audit/write-audit-log';
import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { findOrganization } from './find-organization';
import { hfTokenSettingOf, requireHfTokenManager } from './get-hf-token-setting';
import type { HfTokenSettingObject, PutHfTokenInput } from './schemas';

/**
 * Stores the organization's own Hugging Face token, sealed and bound to the organization's row; the worker
 * opens it for this organization's downloads only. The audit entry records that it changed, not the token.
 */
export async function setHfToken(deps: ApiDeps, scope: OrgScope, input: PutHfTokenInput): Promise<HfTokenSettingObject> {
  requireHfTokenManager(scope);
  const row = await deps.db.$transaction(async (tx) => {
    const before = await findOrganization(tx, scope.orgId);
    const sealed = deps.secrets.seal(input.token, secretLocation(SECRET_COLUMNS.organizationHfToken, scope.orgId));
    const updated = await tx.organization.update({ where: { id: scope.orgId }, data: { hfTokenSecret: sealed } });
    await writeAuditLog(tx, {
      ...scope,
      action: 'organization.hf_token.set',
      targetType: 'organization',
      targetId: scope.orgId,
      details: { replaced: before.hfTokenSecret !== null },
    });
    return updated;
  });
  return hfTokenSettingOf(row);
}
