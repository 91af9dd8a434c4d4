import { transition } from '@gguf/core';
import type { Deployment } from '@gguf/db';
import { clearWake, enqueueNodeSync, wakeWanted } from '@gguf/redis';
import type { WorkerContext } from '../context';
import { announce, changeDeployment, changeServer, noteDeployment } from '../deployments/apply-transition';
import { InvalidDeploymentError, launchSpecOf } from '../deployments/spec';
import { placeServer } from '../scheduler/schedule';
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
 * cluster-decision.ts decides it. Places servers up to what the deployment wants, removes extra
 * ones, wakes, finishes deletes, and hands each server to its node's queue, where that node's
 * own worker does the rest.
 */
export async function syncInCluster(ctx: WorkerContext, deploymentId: string, reason: string): Promise<Outcome> {
  const row = await ctx.db.deployment.findUnique({
    where: { id: deploymentId },
    include: { servers: { select: { id: true, status: true, generation: true, nodeId: true, node: { select: { status: true, drainingAt: true } } }, orderBy: { createdAt: 'asc' } } },
  });
  if (!row) return DONE;
  const { servers, ...dep } = row;
  const wake = dep.replicasWanted === 0 && dep.desiredState === 'running' && (await wakeWanted(ctx.redis, deploymentId));
  const action = decideInCluster(dep, servers.map((s) => ({ ...s, leaving: s.node.drainingAt !== null })), wake);
  switch (action.kind) {
    case 'done':
      return DONE;
    case 'settle':
      await changeDeployment(ctx, deploymentId, { message: action.message });
      return AGAIN;
    case 'finish-delete':
      return finishDelete(ctx, dep);
    case 'wake': {
      const ok = await changeDeployment(ctx, deploymentId, { message: action.message, deployment: { replicasWanted: action.replicas }, where: { replicasWanted: 0 } });
      // Woken: the wake is answered (requests still held keep asking until it runs).
      if (ok) await clearWake(ctx.redis, deploymentId);
      return AGAIN;
    }
    case 'resize':
      await changeDeployment(ctx, deploymentId, { message: `replicas: now ${action.replicas}`, deployment: { replicasWanted: action.replicas }, where: { replicasWanted: dep.replicasWanted } });
      return AGAIN;
    case 'place':
      return place(ctx, dep);
    case 'shrink': {
      const server = servers.find((s) => s.id === action.serverId)!;
      await changeServer(ctx, { server: { ...server, deploymentId }, to: 'stopping', message: action.message });
      return AGAIN;
    }
    case 'hand-to-nodes':
      for (const server of servers) {
        // An unreachable node's servers are removed by the cluster reconcile; its queue has nobody to serve it.
        if (server.node.status === 'ready') await enqueueNodeSync(ctx.nodeQueue(server.nodeId), { serverId: server.id, reason }, { promote: true });
      }
      return DONE;
  }
}

/** No server is left of a deployment to be deleted: its output forgotten, `deleted`. */
async function finishDelete(ctx: WorkerContext, dep: Deployment): Promise<Outcome> {
  if (dep.status !== 'deleting') {
    await changeDeployment(ctx, dep.id, { message: 'deleting' });
    return AGAIN;
  }
  await ctx.logs.forget(dep.id);
  const done = await ctx.db.$transaction(async (tx) => {
    const { count } = await tx.deployment.updateMany({ where: { id: dep.id, status: 'deleting' }, data: { status: transition('deleting', 'deleted'), statusMessage: 'deleted', deletedAt: dep.deletedAt ?? new Date() } });
    if (count > 0) await tx.deploymentEvent.create({ data: { deploymentId: dep.id, type: 'status', fromStatus: 'deleting', toStatus: 'deleted', message: 'deleted' } });
    return count > 0;
  });
  if (!done) return AGAIN;
  ctx.logger.info({ deploymentId: dep.id }, 'deleted');
  await announce(ctx, dep.id, 'deleted');
  return DONE;
}

/** Fewer servers than it wants: check what it would run, then place one more. */
async function place(ctx: WorkerContext, dep: Deployment): Promise<Outcome> {
  try {
    launchSpecOf(dep);
  } catch (error) {
    if (!(error instanceof InvalidDeploymentError)) throw error;
    await changeDeployment(ctx, dep.id, { message: error.message, deployment: { failedGeneration: dep.generation }, data: { reason: 'invalid_deployment' }, where: { generation: dep.generation } });
    throw new BadDeploymentError(error.message);
  }

  const result = await placeServer(ctx, dep.id, { staleAfterMs: ctx.timing.nodeStaleAfterMs });
  if (result.kind === 'placed') {
    const { placement } = result;
    ctx.logger.info({ deploymentId: dep.id, serverId: placement.serverId, node: placement.nodeName, gpus: placement.gpuIndices, port: placement.port }, 'server placed');
    await enqueueNodeSync(ctx.nodeQueue(placement.nodeId), { serverId: placement.serverId, reason: 'placed' }, { promote: true });
    return AGAIN;
  }
  if (result.kind === 'waiting' && dep.statusMessage !== result.reason) {
    // Recorded once per new reason, not on every retry: the reconcile loop asks again every few seconds.
    await noteDeployment(ctx, { deploymentId: dep.id, type: 'schedule', message: result.reason, status: dep.status, generation: dep.generation });
  }
  return result.kind === 'skipped' ? AGAIN : DONE;
}
