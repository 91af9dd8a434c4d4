import { describeError } from '@gguf/core';
import { enqueueNodeSync } from '@gguf/redis';
import type { ServerInfo } from '@gguf/runtime';
import type { WorkerContext } from '../context';
import { noteDeployment } from '../deployments/apply-transition';

export interface NodeReconcileReport {
  servers: number;
  orphansRemoved: string[];
  queued: string[];
}

/**
 * The node's half of reconciliation, run by the node's own worker every few seconds and on
 * start: compare the deployments placed here with the servers that actually exist (container
 * labels / state files).
 *  - a server whose deployment is gone, deleted or placed elsewhere is an orphan: removed;
 *  - a deployment whose server is missing, dead or of an older generation, or that is in the
 *    middle of a change, gets a node.sync (deduplicated: one per deployment) — that is how a
 *    crashed server is restarted and how work of a worker that died is resumed;
 *  - output of live servers keeps flowing to Redis.
 */
export async function reconcileNode(ctx: WorkerContext): Promise<NodeReconcileReport> {
  const report: NodeReconcileReport = { servers: 0, orphansRemoved: [], queued: [] };
  const servers = await ctx.runtime.list();
  report.servers = servers.length;
  const ids = [...new Set(servers.map((s) => s.deploymentId))];
  const rows = await ctx.db.deployment.findMany({
    where: { OR: [{ nodeId: ctx.node.id, status: { not: 'deleted' } }, { id: { in: ids } }] },
    select: { id: true, nodeId: true, status: true, desiredState: true, generation: true },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));

  const byDeployment = new Map<string, ServerInfo[]>();
  for (const server of servers) {
    const row = byId.get(server.deploymentId);
    if (!row || row.status === 'deleted' || row.nodeId !== ctx.node.id) {
      await removeOrphan(ctx, server, row ? (row.status === 'deleted' ? 'its deployment was deleted' : 'its deployment was placed elsewhere') : 'no such deployment');
      report.orphansRemoved.push(server.handle);
      continue;
    }
    byDeployment.set(server.deploymentId, [...(byDeployment.get(server.deploymentId) ?? []), server]);
  }

  const live = new Set<string>();
  for (const row of rows) {
    if (row.nodeId !== ctx.node.id || row.status === 'deleted') continue;
    const mine = byDeployment.get(row.id) ?? [];
    const current = mine.find((s) => s.generation === row.generation);
    const stale = mine.some((s) => s.generation !== row.generation);
    const healthy = row.status === 'running' && row.desiredState === 'running' && current?.state === 'running' && !stale;
    if (current?.state === 'running') {
      live.add(current.handle);
      // Servers adopted from a predecessor (or whose port this worker stopped serving) answer again.
      await ctx.runtime.expose(current).catch((error: unknown) => ctx.logger.warn({ deploymentId: row.id, err: describeError(error) }, 'could not serve the port of a running server'));
    }
    if (current && (current.state === 'running' || current.state === 'exited')) await ctx.logs.follow(current);
    // Running as wished needs nothing; everything else gets a (deduplicated) node job.
    if (healthy) continue;
    await enqueueNodeSync(ctx.nodeQueue(ctx.node.id), { deploymentId: row.id, reason: 'reconcile' });
    report.queued.push(row.id);
  }
  await ctx.logs.retain(new Set(servers.filter((s) => live.has(s.handle) || s.state === 'exited').map((s) => s.handle)));
  return report;
}

async function removeOrphan(ctx: WorkerContext, server: ServerInfo, why: string): Promise<void> {
  try {
    if (server.state === 'running') await ctx.runtime.stop(server.handle, ctx.timing.stopTimeoutMs);
    await ctx.runtime.remove(server.handle);
    ctx.logger.warn({ deploymentId: server.deploymentId, generation: server.generation, handle: server.handle }, `removed an orphaned server (${why})`);
    await noteDeployment(ctx, {
      deploymentId: server.deploymentId,
      type: 'orphan',
      message: `removed an orphaned server of generation ${server.generation} from node ${ctx.node.name} (${why})`,
    }).catch(() => undefined);
  } catch (error) {
    ctx.logger.warn({ deploymentId: server.deploymentId, handle: server.handle, err: describeError(error) }, 'could not remove an orphaned server');
  }
}
