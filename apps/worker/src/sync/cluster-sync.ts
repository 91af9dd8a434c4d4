import { enqueueNodeSync } from '@gguf/redis';
import type { WorkerContext } from '../context';
import { applyTransition, failedAtCurrentGeneration, noteDeployment } from '../deployments/apply-transition';
import { releasePlacement } from '../deployments/release-placement';
import { InvalidDeploymentError, launchSpecOf } from '../deployments/spec';
import { scheduleDeployment } from '../scheduler/schedule';
import { AGAIN, DONE, type Outcome } from './outcome';

/** A deployment that can never run as configured: the job fails without retries, the deployment says why. */
export class BadDeploymentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadDeploymentError';
  }
}

/**
 * deployment.sync (shared queue, any worker): what can be decided from Postgres alone. Places
 * pending deployments, finishes stops and deletes of deployments that are not on any node, and
 * hands placed deployments to their node's queue, where the node's own worker does the rest.
 */
export async function syncInCluster(ctx: WorkerContext, deploymentId: string, reason: string): Promise<Outcome> {
  const row = await ctx.db.deployment.findUnique({ where: { id: deploymentId } });
  if (!row || row.status === 'deleted') return DONE;

  if (row.nodeId !== null) {
    const node = await ctx.db.node.findUnique({ where: { id: row.nodeId }, select: { status: true } });
    // An unreachable node's deployments are moved by the cluster reconcile; its queue has nobody to serve it.
    if (node?.status === 'ready') await enqueueNodeSync(ctx.nodeQueue(row.nodeId), { deploymentId, reason }, { promote: true });
    return DONE;
  }

  if (row.desiredState === 'deleted') {
    if (row.status !== 'deleting' && !(await applyTransition(ctx, { deploymentId, from: row.status, to: 'deleting', message: 'deleting' }))) return AGAIN;
    await ctx.logs.forget(deploymentId);
    const ok = await releasePlacement(ctx, { deploymentId, from: 'deleting', to: 'deleted', message: 'deleted', set: { deployStep: null, deletedAt: row.deletedAt ?? new Date() }, kick: false });
    return ok ? DONE : AGAIN;
  }

  if (row.desiredState === 'stopped') {
    if (row.status === 'stopped') return DONE;
    if (row.status === 'pending' || row.status === 'failed' || row.status === 'stopping') {
      const ok = await applyTransition(ctx, { deploymentId, from: row.status, to: 'stopped', message: 'stopped', set: { deployStep: null, restartCount: 0 } });
      return ok ? DONE : AGAIN;
    }
    // A live status with no node (its node was lost mid-update): back to pending, then stopped.
    return toPending(ctx, row.id, row.status, 'no longer placed on any node');
  }

  // desired: running
  switch (row.status) {
    case 'failed':
      // Failed stays failed for this generation; a restart or a settings change (new generation) tries again.
      if (failedAtCurrentGeneration(row)) return DONE;
      return toPending(ctx, row.id, 'failed', `retrying for generation ${row.generation}`);
    case 'stopped':
      return toPending(ctx, row.id, 'stopped', 'starting');
    case 'stopping':
      await releasePlacement(ctx, { deploymentId, from: 'stopping', to: 'stopped', message: 'stopped', kick: false });
      return AGAIN;
    case 'deleting':
      return DONE;
    case 'pending':
      break;
    default:
      return toPending(ctx, row.id, row.status, 'no longer placed on any node; placing it again');
  }

  // pending and unplaced: check what we would run, then find it a node.
  try {
    launchSpecOf(row);
  } catch (error) {
    if (!(error instanceof InvalidDeploymentError)) throw error;
    await applyTransition(ctx, {
      deploymentId,
      from: 'pending',
      to: 'failed',
      message: error.message,
      generation: row.generation,
      set: { deployStep: `g${row.generation}:failed` },
      data: { reason: 'invalid_deployment' },
    });
    throw new BadDeploymentError(error.message);
  }

  const result = await scheduleDeployment(ctx, deploymentId, { staleAfterMs: ctx.timing.nodeStaleAfterMs });
  if (result.kind === 'placed') {
    ctx.logger.info({ deploymentId, node: result.placement.nodeName, gpus: result.placement.gpuIndices, port: result.placement.port }, 'deployment placed');
    await enqueueNodeSync(ctx.nodeQueue(result.placement.nodeId), { deploymentId, reason: 'placed' }, { promote: true });
    return DONE;
  }
  if (result.kind === 'waiting' && row.statusMessage !== result.reason) {
    // Recorded once per new reason, not on every retry: the reconcile loop asks again every few seconds.
    await noteDeployment(ctx, { deploymentId, type: 'schedule', message: result.reason, status: 'pending', generation: row.generation });
  }
  return result.kind === 'skipped' ? AGAIN : DONE;
}

async function toPending(ctx: WorkerContext, deploymentId: string, from: Parameters<typeof applyTransition>[1]['from'], message: string): Promise<Outcome> {
  await releasePlacement(ctx, { deploymentId, from, to: 'pending', message, set: { deployStep: null, restartCount: 0, lastExitAt: null }, kick: false });
  return AGAIN;
}
