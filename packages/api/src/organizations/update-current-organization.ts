import { isId } from '@gguf/core';
import { writeAuditLog } from '../audit/write-audit-log';
import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { LIVE_DEPLOYMENT } from '../deployments/find-deployment';
import { ApiError } from '../errors/api-error';
import { announceOrganization } from './announce-organization';
import { getCurrentOrganization } from './get-current-organization';
import { lockOrganization } from './lock-organization';
import type { CurrentOrganizationObject, UpdateCurrentOrganizationInput } from './schemas';

/**
 * Sets or clears the organization's default deployment: the one its endpoint serves a `model` that
 * matches no name or alias. Owners and admins only; another organization's deployment answers 404 like
 * a missing one. Under the organization's row lock, which deletes take too, so a deployment being
 * deleted cannot stay the default.
 */
export async function updateCurrentOrganization(deps: ApiDeps, scope: OrgScope, input: UpdateCurrentOrganizationInput): Promise<CurrentOrganizationObject> {
  if (scope.role === 'member') throw new ApiError('permission_denied', "Changing the organization's default deployment needs the owner or admin role in this organization.");
  const id = input.default_deployment_id;
  if (id !== undefined) {
    await deps.db.$transaction(async (tx) => {
      await lockOrganization(tx, scope.orgId);
      if (id !== null && !(isId('deployment', id) && (await tx.deployment.count({ where: { id, orgId: scope.orgId, ...LIVE_DEPLOYMENT } })) > 0)) {
        throw ApiError.notFound('deployment', id, 'default_deployment_id');
      }
      await tx.organization.update({ where: { id: scope.orgId }, data: { defaultDeploymentId: id } });
      await writeAuditLog(tx, { ...scope, action: 'organization.update', targetType: 'organization', targetId: scope.orgId, details: { default_deployment_id: id } });
    });
    await announceOrganization(deps, scope.orgId, 'updated');
  }
  return getCurrentOrganization(deps, scope);
}
