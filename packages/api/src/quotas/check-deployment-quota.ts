import type { Tx } from '../deps';
import { ApiError } from '../errors/api-error';
import { LIVE_DEPLOYMENT } from '../deployments/find-deployment';

export interface QuotaRequest {
  orgId: string;
  /** Deployments the change adds: 1 for a create, 0 for a resize. */
  addDeployments: number;
  /** GPUs the change adds (GPUs × replicas.max): the new size, with the resized deployment excluded from the count. */
  addGpus: number;
  /** A deployment being resized counts with its new size only. */
  excludeDeploymentId?: string;
  /** The field a refusal names, the one the change raised: `gpu.count` unless only `replicas.max` went up. */
  gpuParam?: 'gpu.count' | 'replicas.max';
}

/**
 * Refuses a change that would take the organization past max_deployments or max_gpus. The
 * organization row is locked first, so two concurrent creates cannot both squeeze under a limit.
 * Every deployment that is not being deleted counts, running or stopped, since a stopped one can
 * start again without asking, and each with its GPUs times its `replicas.max`, every replica it may run.
 */
export async function checkDeploymentQuota(tx: Tx, request: QuotaRequest): Promise<void> {
  const [org] = await tx.$queryRaw<{ max_deployments: number; max_gpus: number }[]>`
    SELECT max_deployments, max_gpus FROM organizations WHERE id = ${request.orgId} FOR UPDATE`;
  if (!org) throw new ApiError('not_found', 'This organization no longer exists.');
  const where = { orgId: request.orgId, ...LIVE_DEPLOYMENT, ...(request.excludeDeploymentId ? { id: { not: request.excludeDeploymentId } } : {}) };
  const groups = await tx.deployment.groupBy({ by: ['replicasMax'], where, _count: { _all: true }, _sum: { gpuCount: true } });
  const deployments = groups.reduce((sum, group) => sum + group._count._all, 0) + request.addDeployments;
  if (request.addDeployments > 0 && deployments > org.max_deployments) {
    throw new ApiError('conflict', `Organization limit max_deployments (${org.max_deployments}) reached: delete a deployment or ask an administrator to raise the limit.`);
  }
  const gpus = groups.reduce((sum, group) => sum + (group._sum.gpuCount ?? 0) * group.replicasMax, 0) + request.addGpus;
  if (request.addGpus > 0 && gpus > org.max_gpus) {
    throw new ApiError(
      'conflict',
      `Organization limit max_gpus (${org.max_gpus}) reached: this change needs ${gpus} GPUs in total (each deployment counts gpu.count × replicas.max). Free GPUs, lower replicas.max or ask an administrator to raise the limit.`,
      request.gpuParam ?? 'gpu.count',
    );
  }
}
