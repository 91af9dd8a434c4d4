import type { Deployment } from '@gguf/db';
import { clearWake, enqueueNodeSync, wakeWanted } from '@gguf/redis';
import type { WorkerContext } from '../context';
import { applyTransition, noteDeployment, step } from '../deployments/apply-transition';
import { releasePlacement } from '../deployments/release-placement';
import { InvalidDeploymentError, launchSpecOf } from '../deployments/spec';
import { scheduleDeployment } from '../scheduler/schedule';
import { decideInCluster } from './cluster-decision';
import { AGAIN, DONE, type Outcome } from './outcome';

/** A deployment that can never run as configured: the job fails without retries, the deployment says why. */
export class BadDeploymentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadDeploymentError';
  }
}

/**
 * deployment.sync (shared queue, any worker): what can be decided from Postgres alone, as
 * cluster-decision.ts decides it. Places pending deployments, finishes stops and deletes of
 * deployments that are not on any node, and hands placed deployments to their node's queue,
 * where the node's own worker does the rest.
 */
export async function syncInCluster(ctx: WorkerContext, deploymentId: string, reason: string): Promise<Outcome> {
  const row = await ctx.db.deployment.findUnique({ where: { id: deploymentId } });
  if (!row) return DONE;
  const node = row.nodeId === null ? null : await ctx.db.node.findUnique({ where: { id: row.nodeId }, select: { status: true } });
  const wake = row.status === 'sleeping' && (await wakeWanted(ctx.redis, deploymentId));
  const action = decideInCluster(row, node?.status === 'ready', wake);
  switch (action.kind) {
    case 'done':
      return DONE;
    case 'hand-to-node':
      await enqueueNodeSync(ctx.nodeQueue(row.nodeId!), { deploymentId, reason }, { promote: true });
      return DONE;
    case 'delete': {
      if (row.status !== 'deleting' && !(await applyTransition(ctx, { deploymentId, from: row.status, to: 'deleting', message: 'deleting' }))) return AGAIN;
      await ctx.logs.forget(deploymentId);
      const ok = await releasePlacement(ctx, { deploymentId, from: 'deleting', to: 'deleted', message: 'deleted', set: { deployStep: null, deletedAt: row.deletedAt ?? new Date() }, kick: false });
      return ok ? DONE : AGAIN;
    }
    case 'to-stopped':
      await releasePlacement(ctx, { deploymentId, from: row.status, to: 'stopped', message: 'stopped', set: { deployStep: null, restartCount: 0 }, kick: false });
      return AGAIN;
    case 'to-pending': {
      const ok = await releasePlacement(ctx, { deploymentId, from: row.status, to: 'pending', message: action.message, set: { deployStep: null, restartCount: 0, lastExitAt: null }, kick: false });
      // Woken: the wake is answered (requests still held keep asking until it runs).
      if (ok && row.status === 'sleeping') await clearWake(ctx.redis, deploymentId);
      return AGAIN;
    }
    case 'place':
      return place(ctx, row);
  }
}

/** Pending and on no node: check what it would run, then find it a node. */
async function place(ctx: WorkerContext, row: Deployment): Promise<Outcome> {
  const deploymentId = row.id;
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
      set: { deployStep: step(row.generation, 'failed') },
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
