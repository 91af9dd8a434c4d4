import { writeAuditLog } from '../audit/write-audit-log';
import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { announceOrganization } from './announce-organization';
import { findOrganization } from './find-organization';
import type { OrganizationObject, UpdateOrganizationInput } from './schemas';
import { serializeOrganization } from './serialize-organization';

/** Renames an organization or changes its quotas. Lowering a quota below current use blocks growth; it stops nothing that runs. */
export async function updateOrganization(deps: ApiDeps, scope: AdminScope, id: string, input: UpdateOrganizationInput): Promise<OrganizationObject> {
  const row = await deps.db.$transaction(async (tx) => {
    await findOrganization(tx, id);
    const updated = await tx.organization.update({
      where: { id },
      data: {
        name: input.name,
        maxDeployments: input.max_deployments,
        maxGpus: input.max_gpus,
        rateLimitRpm: input.rate_limit_rpm,
        maxConcurrentStreams: input.max_concurrent_streams,
        maxApiKeys: input.max_api_keys,
        platformHfToken: input.platform_hf_token,
      },
    });
    await writeAuditLog(tx, { ...scope, orgId: id, action: 'organization.update', targetType: 'organization', targetId: id, details: { ...input } });
    return updated;
  });
  await announceOrganization(deps, id, 'updated');
  return serializeOrganization(row);
}
