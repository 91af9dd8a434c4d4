import { DEPLOYMENT_STATUSES, holdsResources, isLive } from '@gguf/core';
import { Prisma } from '@gguf/db';
import { enqueueDeploymentSync } from '@gguf/redis';
import type { WorkerContext } from '../context';
import { releasePlacement } from '../deployments/release-placement';
import { sleepIdleDeployments } from '../scaling/sleep-idle';
import { requeueWakes } from '../scaling/wakes';
import { kickPending } from '../sync/kick';

export interface ClusterReconcileReport {
  unreachable: string[];
  moved: string[];
  /** Deployments given a deployment.sync by this pass. */
  queued: string[];
  releasedAllocations: number;
  /** Idle deployments put to sleep, and sleeping ones queued again for a wake still wanted. */
  slept: string[];
  woken: string[];
}

/**
 * cluster.reconcile (a repeatable job on the shared queue, so one worker runs it per tick): the
 * part of level-triggered reconciliation that needs only Postgres.
 *  - nodes whose heartbeat is stale become unreachable, and their deployments (and those of
 *    draining nodes) are moved: back to pending without a node, to be placed elsewhere;
 *  - GPU bookings whose deployment no longer holds them are released;
 *  - every unplaced deployment that is not where it should be gets a deployment.sync, so a lost
 *    job or a deployment waiting for capacity is picked up again;
 *  - idle deployments that may sleep go to sleep, and wakes announced while no worker listened
 *    are queued again (scaling/).
 * What runs on each node is compared by that node's own worker (reconcile/node.ts).
 */
export async function reconcileCluster(ctx: WorkerContext): Promise<ClusterReconcileReport> {
  const report: ClusterReconcileReport = { unreachable: [], moved: [], queued: [], releasedAllocations: 0, slept: [], woken: [] };
  const staleSeconds = ctx.timing.nodeStaleAfterMs / 1000;

  const lost = await ctx.db.$queryRaw<{ id: string; name: string }[]>`
    UPDATE nodes SET status = 'unreachable', updated_at = now()
    WHERE status = 'ready' AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => ${staleSeconds}))
    RETURNING id, name`;
  for (const node of lost) {
    report.unreachable.push(node.name);
    ctx.logger.warn({ node: node.name, nodeId: node.id }, 'node missed its heartbeats; marked unreachable');
  }

  // Deployments on nodes that cannot (unreachable) or should not (draining) keep them.
  const stranded = await ctx.db.deployment.findMany({
    where: { nodeId: { not: null }, status: { not: 'deleted' }, node: { OR: [{ status: 'unreachable' }, { drainingAt: { not: null } }] } },
    include: { node: { select: { name: true, status: true } } },
  });
  for (const d of stranded) {
    const nodeName = d.node?.name ?? 'unknown';
    const why = d.node?.status === 'unreachable' ? `node ${nodeName} is unreachable` : `node ${nodeName} is draining`;
    // Kicked once for all of them below.
    const release = { deploymentId: d.id, from: d.status, set: { deployStep: null, restartCount: 0 }, kick: false };
    let ok: boolean;
    if (isLive(d.status)) {
      const message = d.desiredState === 'running' ? `${why}; placing the deployment elsewhere` : why;
      ok = await releasePlacement(ctx, { ...release, to: 'pending', message, data: { nodeId: d.nodeId, node: nodeName } });
    } else if (d.status === 'stopping') {
      ok = await releasePlacement(ctx, { ...release, to: 'stopped', message: `stopped (${why})` });
    } else if (d.status === 'deleting') {
      ok = await releasePlacement(ctx, { ...release, to: 'deleted', message: `deleted (${why})`, set: { ...release.set, deletedAt: d.deletedAt ?? new Date() } });
    } else {
      ok = await releasePlacement(ctx, { deploymentId: d.id, from: d.status, nodeId: d.nodeId!, kick: false });
    }
    if (ok) report.moved.push(d.id);
  }

  // Bookings held by deployments that are not placed on that node any more, or in a status that holds nothing.
  const holdsNothing = Prisma.join(DEPLOYMENT_STATUSES.filter((status) => !holdsResources(status)));
  report.releasedAllocations = await ctx.db.$executeRaw`
    DELETE FROM gpu_allocations a USING deployments d
    WHERE a.deployment_id = d.id
      AND (d.node_id IS NULL OR d.node_id <> a.node_id OR d.status::text IN (${holdsNothing}))`;
  if (report.releasedAllocations > 0) ctx.logger.warn({ count: report.releasedAllocations }, 'released GPU bookings of deployments that no longer hold them');

  report.slept = await sleepIdleDeployments(ctx);
  report.woken = await requeueWakes(ctx);

  // Unplaced deployments that are not settled where they should be (a sleeping one waits for a wake).
  const unsettled = await ctx.db.$queryRaw<{ id: string; generation: number; desired_state: 'running' | 'stopped' | 'deleted' }[]>`
    SELECT id, generation, desired_state FROM deployments
    WHERE node_id IS NULL AND status <> 'deleted' AND (
      desired_state = 'deleted'
      OR (desired_state = 'stopped' AND status <> 'stopped')
      OR (desired_state = 'running' AND status <> 'sleeping' AND (
        status <> 'failed' OR deploy_step IS DISTINCT FROM ('g' || generation || ':failed')))
    )
    ORDER BY created_at
    LIMIT 500`;
  for (const d of unsettled) {
    await enqueueDeploymentSync(ctx.deploymentQueue, { deploymentId: d.id, generation: d.generation, desiredState: d.desired_state, reason: 'reconcile' });
  }
  report.queued = unsettled.map((d) => d.id);
  if (report.moved.length > 0) await kickPending(ctx);
  return report;
}
