import { writeAuditLog } from '../audit/write-audit-log';
import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import { lockOrganization } from '../organizations/lock-organization';
import { checkDeploymentQuota } from '../quotas/check-deployment-quota';
import { announceDeployment, announceModelNames } from './announce-deployment';
import { assertModelUrlAllowed } from './check-model-url';
import { claimModelNames } from './claim-model-names';
import { findDeployment } from './find-deployment';
import { loadReplicasOf } from './load-replicas';
import { recordDeploymentEvent } from './record-event';
import { type DeploymentObject, REPLICAS_OUT_OF_ORDER, replicasInOrder, SCALING_FIELDS, SETTINGS_FIELDS, type UpdateDeploymentInput } from './schemas';
import { modelColumns, serializeDeployment } from './serialize-deployment';

/**
 * Renames a deployment and/or changes its settings or scaling. A settings change bumps the generation, so the
 * worker redeploys and ignores any job still carrying the old one; a rename alone (its name, model name
 * or aliases) touches nothing that runs, but new model names reach every gateway. A scaling change
 * (replicas, idle time, wake timeout, target concurrency) restarts nothing either, but the worker gets a sync at the same
 * generation (raising `replicas.min` to 1 wakes a sleeping deployment) and the gateways drop their
 * cached route (they hold requests by its wake timeout).
 */
export async function updateDeployment(deps: ApiDeps, scope: OrgScope, id: string, input: UpdateDeploymentInput): Promise<DeploymentObject> {
  const changed = SETTINGS_FIELDS.filter((field) => input[field] !== undefined);
  const rescaled = SCALING_FIELDS.filter((field) => input[field] !== undefined);
  const renamed = (['name', 'model_name', 'model_aliases'] as const).filter((field) => input[field] !== undefined);
  const redeploy = changed.length > 0;
  const routing = input.model_name !== undefined || input.model_aliases !== undefined;
  assertModelUrlAllowed(deps, input.model);
  const row = await deps.db.$transaction(async (tx) => {
    // The organization row before the deployment's, in the order creates and deletes take them.
    if (routing || input.gpu || input.replicas) await lockOrganization(tx, scope.orgId);
    const current = await findDeployment(tx, scope.orgId, id, { lock: true });
    const replicas = { min: input.replicas?.min ?? current.replicasMin, max: input.replicas?.max ?? current.replicasMax };
    if (!replicasInOrder(replicas)) throw new ApiError('invalid_request', `Invalid 'replicas.min': ${REPLICAS_OUT_OF_ORDER} (${replicas.max})`, 'replicas.min');
    // Quotas count every replica the deployment may run; lowering either factor is always allowed.
    const gpus = (input.gpu?.count ?? current.gpuCount) * replicas.max;
    if (gpus > current.gpuCount * current.replicasMax) {
      const gpuParam = input.gpu && input.gpu.count > current.gpuCount ? 'gpu.count' : 'replicas.max';
      await checkDeploymentQuota(tx, { orgId: scope.orgId, addDeployments: 0, addGpus: gpus, excludeDeploymentId: id, gpuParam });
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
        replicasMin: input.replicas?.min,
        replicasMax: input.replicas?.max,
        scaleDownAfterS: input.scale_down_after_s,
        wakeTimeoutS: input.wake_timeout_s,
        targetConcurrency: input.target_concurrency,
        ...(redeploy ? { generation: { increment: 1 } } : {}),
      },
    });
    if (redeploy) await recordDeploymentEvent(tx, id, `Settings changed (${changed.join(', ')}); redeploying`, { generation: updated.generation });
    if (rescaled.length > 0) await recordDeploymentEvent(tx, id, `Scaling changed (${rescaled.join(', ')})`, scalingOf(updated));
    await writeAuditLog(tx, {
      ...scope,
      action: 'deployment.update',
      targetType: 'deployment',
      targetId: id,
      details: {
        changed: [...renamed, ...changed, ...rescaled],
        generation: updated.generation,
        ...(routing ? { model_name: updated.modelName, model_aliases: updated.modelAliases } : {}),
        ...(rescaled.length > 0 ? scalingOf(updated) : {}),
      },
    });
    return updated;
  });
  if (redeploy || rescaled.length > 0) {
    await announceDeployment(deps, { id, generation: row.generation, desiredState: row.desiredState, reason: redeploy ? 'settings changed' : 'scaling changed' });
  }
  if (routing) await announceModelNames(deps, scope.orgId, id);
  return serializeDeployment(row, await loadReplicasOf(deps, deps.db, id), deps.publicGatewayUrl);
}

function scalingOf(row: { replicasMin: number; replicasMax: number; scaleDownAfterS: number; wakeTimeoutS: number; targetConcurrency: number | null }) {
  return {
    replicas: { min: row.replicasMin, max: row.replicasMax },
    scale_down_after_s: row.scaleDownAfterS,
    wake_timeout_s: row.wakeTimeoutS,
    target_concurrency: row.targetConcurrency,
  };
}
