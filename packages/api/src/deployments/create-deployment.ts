import { randomBytes } from 'node:crypto';
import { newId, SECRET_COLUMNS, secretLocation } from '@gguf/core';
import { writeAuditLog } from '../audit/write-audit-log';
import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { type Idempotency, runIdempotent } from '../idempotency/run-idempotent';
import { announceOrganization } from '../organizations/announce-organization';
import { checkDeploymentQuota } from '../quotas/check-deployment-quota';
import { announceDeployment } from './announce-deployment';
import { assertModelUrlAllowed } from './check-model-url';
import { claimModelNames } from './claim-model-names';
import { NO_REPLICAS } from './load-replicas';
import { recordDeploymentEvent } from './record-event';
import type { CreateDeploymentInput, DeploymentObject } from './schemas';
import { modelColumns, serializeDeployment } from './serialize-deployment';

export interface CreateDeploymentResult {
  deployment: DeploymentObject;
  replayed: boolean;
}

/** Saves a new deployment (pending, to run) and hands it to the worker once the row is committed. */
export async function createDeployment(
  deps: ApiDeps,
  scope: OrgScope,
  input: CreateDeploymentInput,
  options: { idempotency?: Idempotency } = {},
): Promise<CreateDeploymentResult> {
  assertModelUrlAllowed(deps, input.model);
  const { value, replayed } = await runIdempotent(deps, scope.orgId, options.idempotency, 201, async (tx) => {
    await checkDeploymentQuota(tx, { orgId: scope.orgId, addDeployments: 1, addGpus: input.gpu.count * input.replicas.max });
    const names = await claimModelNames(tx, scope.orgId, { name: input.name, modelName: input.model_name, modelAliases: input.model_aliases ?? [] });
    const id = newId('deployment');
    const row = await tx.deployment.create({
      data: {
        id,
        orgId: scope.orgId,
        name: input.name,
        ...names,
        ...modelColumns(input.model),
        gpuCount: input.gpu.count,
        gpuType: input.gpu.type ?? null,
        contextSize: input.context_size,
        parallel: input.parallel,
        embeddings: input.embeddings,
        llamaArgs: input.llama_args,
        replicasMin: input.replicas.min,
        replicasMax: input.replicas.max,
        scaleDownAfterS: input.scale_down_after_s,
        wakeTimeoutS: input.wake_timeout_s,
        targetConcurrency: input.target_concurrency,
        status: 'pending',
        desiredState: 'running',
        generation: 1,
        // The key llama-server requires of its callers; sealed, and opened only by the gateway and the worker.
        upstreamSecret: deps.secrets.seal(randomBytes(32).toString('base64url'), secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, id)),
        createdById: scope.actor.type === 'user' ? scope.actor.id : null,
      },
    });
    await recordDeploymentEvent(tx, id, 'Deployment created');
    await writeAuditLog(tx, {
      ...scope,
      action: 'deployment.create',
      targetType: 'deployment',
      targetId: id,
      details: {
        name: input.name,
        model_name: names.modelName,
        model_aliases: names.modelAliases,
        model: input.model,
        gpu: input.gpu,
        replicas: input.replicas,
        scale_down_after_s: input.scale_down_after_s,
        wake_timeout_s: input.wake_timeout_s,
        target_concurrency: input.target_concurrency,
      },
    });
    return serializeDeployment(row, NO_REPLICAS, deps.publicGatewayUrl);
  });
  if (!replayed) {
    await announceDeployment(deps, { id: value.id, generation: 1, desiredState: 'running', reason: 'created' });
    // The organization endpoint answers to a new model name.
    await announceOrganization(deps, scope.orgId, 'updated');
  }
  return { deployment: value, replayed };
}
