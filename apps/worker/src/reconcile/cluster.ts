import { enqueueDeploymentSync } from '@gguf/redis';
import type { WorkerContext } from '../context';
import { removeServerRow } from '../deployments/apply-transition';
import { SHORT_OF_SERVERS } from '../deployments/short-of-servers';
import { autoscaleDeployments } from '../scaling/autoscale';
import { sleepIdleDeployments } from '../scaling/sleep-idle';
import { requeueWakes } from '../scaling/wakes';
import { kickPending } from '../sync/kick';

export interface ClusterReconcileReport {
  unreachable: string[];
  /** Servers taken off unreachable nodes, to be placed elsewhere. */
  moved: string[];
  /** Deployments given a deployment.sync by this pass. */
  queued: string[];
  /** Idle deployments put to sleep, and sleeping ones queued again for a wake still wanted. */
  slept: string[];
  woken: string[];
  /** Deployments given one server more (`+`) or fewer (`-`) by autoscaling. */
  scaled: string[];
}

/**
 * cluster.reconcile (a repeatable job on the shared queue, so one worker runs it per tick): the
 * part of level-triggered reconciliation that needs only Postgres.
 *  - nodes whose heartbeat is stale become unreachable, and their servers are removed with their
 *    ports and GPUs, so their deployments place them elsewhere (a draining node's servers are
 *    replaced first and go once their replacements are ready: cluster-decision.ts);
 *  - every deployment that is not where it should be (fewer or more servers than it wants, a
 *    stop or delete to finish) gets a deployment.sync, so a lost job or a deployment waiting for
 *    capacity is picked up again;
 *  - idle deployments that may sleep go to sleep, busy or quiet ones get one server more or
 *    fewer, and wakes announced while no worker listened are queued again (scaling/).
 * What runs on each node is compared by that node's own worker (reconcile/node.ts).
 */
export async function reconcileCluster(ctx: WorkerContext): Promise<ClusterReconcileReport> {
  const report: ClusterReconcileReport = { unreachable: [], moved: [], queued: [], slept: [], woken: [], scaled: [] };
  const staleSeconds = ctx.timing.nodeStaleAfterMs / 1000;

  const lost = await ctx.db.$queryRaw<{ id: string; name: string }[]>`
    UPDATE nodes SET status = 'unreachable', updated_at = now()
    WHERE status = 'ready' AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => ${staleSeconds}))
    RETURNING id, name`;
  for (const node of lost) {
    report.unreachable.push(node.name);
    ctx.logger.warn({ node: node.name, nodeId: node.id }, 'node missed its heartbeats; marked unreachable');
  }

  // Servers on nodes that cannot keep them: unreachable ones.
  const stranded = await ctx.db.server.findMany({ where: { node: { status: 'unreachable' } }, include: { node: { select: { name: true } } } });
  for (const server of stranded) {
    const why = `node ${server.node.name} is unreachable`;
    const ok = await removeServerRow(ctx, {
      server: { id: server.id, deploymentId: server.deploymentId },
      message: `${why}; its server is placed elsewhere`,
      event: { type: 'server', message: `${why}: removed its server there`, data: { serverId: server.id, nodeId: server.nodeId, node: server.node.name } },
    });
    if (ok) report.moved.push(server.id);
  }

  report.slept = await sleepIdleDeployments(ctx);
  report.scaled = await autoscaleDeployments(ctx);
  report.woken = await requeueWakes(ctx);

  // Deployments that are not settled where they should be (a sleeping one waits for a wake).
  const unsettled = await ctx.db.$queryRaw<{ id: string; generation: number; desired_state: 'running' | 'stopped' | 'deleted' }[]>`
    SELECT d.id, d.generation, d.desired_state FROM deployments d
    WHERE d.status <> 'deleted' AND (
      d.desired_state = 'deleted'
      OR (d.desired_state = 'stopped' AND d.status <> 'stopped')
      OR ${SHORT_OF_SERVERS}
      OR EXISTS (SELECT 1 FROM servers s JOIN nodes n ON n.id = s.node_id WHERE s.deployment_id = d.id AND n.draining_at IS NOT NULL)
      OR (d.desired_state = 'running' AND d.failed_generation IS DISTINCT FROM d.generation AND (
        d.status = 'failed'
        OR (d.replicas_wanted > 0 AND d.replicas_wanted < (SELECT count(*) FROM servers s WHERE s.deployment_id = d.id AND s.status <> 'stopping'))))
    )
    ORDER BY d.created_at
    LIMIT 500`;
  for (const d of unsettled) {
    await enqueueDeploymentSync(ctx.deploymentQueue, { deploymentId: d.id, generation: d.generation, desiredState: d.desired_state, reason: 'reconcile' });
  }
  report.queued = unsettled.map((d) => d.id);
  if (report.moved.length > 0) await kickPending(ctx);
  return report;
}
