import { writeAuditLog } from '../audit/write-audit-log';
import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { lockOrganization } from '../organizations/lock-organization';
import { checkDeploymentQuota } from '../quotas/check-deployment-quota';
import { announceDeployment, announceModelNames } from './announce-deployment';
import { assertModelUrlAllowed } from './check-model-url';
import { claimModelNames } from './claim-model-names';
import { findDeployment } from './find-deployment';
import { recordDeploymentEvent } from './record-event';
import { type DeploymentObject, SETTINGS_FIELDS, type UpdateDeploymentInput } from './schemas';
import { modelColumns, serializeDeployment } from './serialize-deployment';

/**
 * Renames a deployment and/or changes its settings. A settings change bumps the generation, so the
 * worker redeploys and ignores any job still carrying the old one; a rename alone (its name, model name
 * or aliases) touches nothing that runs, but new model names reach every gateway.
 */
export async function updateDeployment(deps: ApiDeps, scope: OrgScope, id: string, input: UpdateDeploymentInput): Promise<DeploymentObject> {
  const changed = SETTINGS_FIELDS.filter((field) => input[field] !== undefined);
  const renamed = (['name', 'model_name', 'model_aliases'] as const).filter((field) => input[field] !== undefined);
  const redeploy = changed.length > 0;
  const routing = input.model_name !== undefined || input.model_aliases !== undefined;
  assertModelUrlAllowed(deps, input.model);
  const row = await deps.db.$transaction(async (tx) => {
    // The organization row before the deployment's, in the order creates and deletes take them.
    if (routing || input.gpu) await lockOrganization(tx, scope.orgId);
    const current = await findDeployment(tx, scope.orgId, id, { lock: true });
    if (input.gpu && input.gpu.count > current.gpuCount) {
      await checkDeploymentQuota(tx, { orgId: scope.orgId, addDeployments: 0, addGpus: input.gpu.count, excludeDeploymentId: id });
    }
    const names = routing
      ? await claimModelNames(tx, scope.orgId, { name: current.name, modelName: input.model_name ?? current.modelName, modelAliases: input.model_aliases ?? current.modelAliases }, id)
      : {};
    const updated = await tx.deployment.update({
      where: { id },
      data: {
        name: input.name,
        ...names,
        ...(input.model ? modelColumns(input.model) : {}),
        gpuCount: input.gpu?.count,
        ...(input.gpu ? { gpuType: input.gpu.type ?? null } : {}),
        contextSize: input.context_size,
        parallel: input.parallel,
        embeddings: input.embeddings,
        llamaArgs: input.llama_args,
        ...(redeploy ? { generation: { increment: 1 } } : {}),
      },
    });
    if (redeploy) await recordDeploymentEvent(tx, id, `Settings changed (${changed.join(', ')}); redeploying`, { generation: updated.generation });
    await writeAuditLog(tx, {
      ...scope,
      action: 'deployment.update',
      targetType: 'deployment',
      targetId: id,
      details: {
        changed: [...renamed, ...changed],
        generation: updated.generation,
        ...(routing ? { model_name: updated.modelName, model_aliases: updated.modelAliases } : {}),
      },
    });
    return updated;
  });
  if (redeploy) await announceDeployment(deps, { id, generation: row.generation, desiredState: row.desiredState, reason: 'settings changed' });
  if (routing) await announceModelNames(deps, scope.orgId, id);
  return serializeDeployment(row, deps.publicGatewayUrl);
}
