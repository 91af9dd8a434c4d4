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
 * start: compare the servers placed here (their rows) with the processes that actually exist
 * (container labels / state files).
 *  - a process whose server row is gone or on another node is an orphan: removed;
 *  - a server whose process is missing, dead or of an older generation, or that is in the middle
 *    of a change, gets a node.sync (deduplicated: one per server) — that is how a crashed server
 *    is restarted and how work of a worker that died is resumed;
 *  - output of live processes keeps flowing to Redis.
 */
export async function reconcileNode(ctx: WorkerContext): Promise<NodeReconcileReport> {
  const report: NodeReconcileReport = { servers: 0, orphansRemoved: [], queued: [] };
  const processes = await ctx.runtime.list();
  report.servers = processes.length;
  const rows = await ctx.db.server.findMany({
    where: { OR: [{ nodeId: ctx.node.id }, { id: { in: [...new Set(processes.map((p) => p.serverId))] } }] },
    select: { id: true, nodeId: true, status: true, generation: true, deployment: { select: { desiredState: true, generation: true, replicasWanted: true } } },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));

  const byServer = new Map<string, ServerInfo[]>();
  for (const process of processes) {
    const row = byId.get(process.serverId);
    if (!row || row.nodeId !== ctx.node.id) {
      await removeOrphan(ctx, process, row ? 'its server was placed elsewhere' : 'its server is gone');
      report.orphansRemoved.push(process.handle);
      continue;
    }
    byServer.set(process.serverId, [...(byServer.get(process.serverId) ?? []), process]);
  }

  const live = new Set<string>();
  for (const row of rows) {
    if (row.nodeId !== ctx.node.id) continue;
    const mine = byServer.get(row.id) ?? [];
    const current = mine.find((p) => p.generation === row.generation);
    const stale = mine.some((p) => p.generation !== row.generation);
    const wanted = row.deployment.desiredState === 'running' && row.deployment.replicasWanted > 0 && row.deployment.generation === row.generation;
    const healthy = row.status === 'ready' && wanted && current?.state === 'running' && !stale;
    if (current?.state === 'running') {
      live.add(current.handle);
      // Processes adopted from a predecessor (or whose port this worker stopped serving) answer again.
      await ctx.runtime.expose(current).catch((error: unknown) => ctx.logger.warn({ serverId: row.id, err: describeError(error) }, 'could not serve the port of a running server'));
    }
    if (current && (current.state === 'running' || current.state === 'exited')) await ctx.logs.follow(current);
    // Running as wished needs nothing; everything else gets a (deduplicated) node job.
    if (healthy) continue;
    await enqueueNodeSync(ctx.nodeQueue(ctx.node.id), { serverId: row.id, reason: 'reconcile' });
    report.queued.push(row.id);
  }
  await ctx.logs.retain(new Set(processes.filter((p) => live.has(p.handle) || p.state === 'exited').map((p) => p.handle)));
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
