import { describeError } from '@gguf/core';
import { enqueueDeploymentSync, readActivity, readScalingMemory, type ScalingMemory, writeScalingMemory } from '@gguf/redis';
import type { WorkerContext } from '../context';
import { changeDeployment } from '../deployments/apply-transition';
import { decideScale } from './scale-decision';

/** Deployments looked at per pass; the rest wait for the next tick. */
const BATCH = 500;

/**
 * Part of the cluster reconcile: deployments that may run more than one server get one more, or
 * one fewer, as scale-decision.ts decides from the gateways' in-flight counts in Redis. The change
 * is a new `replicasWanted` with a `scale` event carrying its reason and figures; the cluster side
 * then places or removes the server. Returns the ids scaled, with the direction.
 */
export async function autoscaleDeployments(ctx: WorkerContext, now = Date.now()): Promise<string[]> {
  const rows = await ctx.db.deployment.findMany({
    where: { desiredState: 'running', replicasMax: { gt: 1 }, replicasWanted: { gt: 0 }, status: 'running' },
    select: {
      id: true,
      generation: true,
      replicasMin: true,
      replicasMax: true,
      replicasWanted: true,
      parallel: true,
      targetConcurrency: true,
      scaleDownAfterS: true,
      servers: { select: { status: true } },
    },
    orderBy: { createdAt: 'asc' },
    take: BATCH,
  });
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [activity, memories] = await Promise.all([readActivity(ctx.redis, ids), readScalingMemory(ctx.redis, ids)]);
  const remembered = new Map<string, ScalingMemory>();
  const scaled: string[] = [];
  for (const row of rows) {
    const facts = {
      ...row,
      ready: row.servers.filter((s) => s.status === 'ready').length,
      live: row.servers.filter((s) => s.status !== 'stopping').length,
      targetConcurrency: row.targetConcurrency ?? row.parallel,
    };
    const decision = decideScale(facts, activity.get(row.id)!.inflight, memories.get(row.id)!, now);
    remembered.set(row.id, decision.memory);
    if (decision.change === 0) continue;
    const to = row.replicasWanted + decision.change;
    const { perServer, target, forS } = decision.figures;
    const message =
      decision.change > 0
        ? `scaling up to ${to} servers: ${perServer} requests in flight per server, above ${target}, for ${forS} s`
        : `scaling down to ${to} server${to === 1 ? '' : 's'}: ${perServer} requests in flight per server, below ${target / 2}, for ${forS} s`;
    const ok = await changeDeployment(ctx, row.id, {
      where: { replicasWanted: row.replicasWanted, generation: row.generation },
      deployment: { replicasWanted: to },
      message,
      event: { type: 'scale', message, data: { reason: decision.change > 0 ? 'busy' : 'quiet', from: row.replicasWanted, to, ...decision.figures } },
    });
    if (!ok) continue;
    scaled.push(`${row.id}${decision.change > 0 ? '+' : '-'}`);
    ctx.logger.info({ deploymentId: row.id, from: row.replicasWanted, to, ...decision.figures }, 'autoscaled');
    await enqueueDeploymentSync(ctx.deploymentQueue, { deploymentId: row.id, generation: row.generation, desiredState: 'running', reason: 'scaled' }).catch((error: unknown) => {
      ctx.logger.warn({ deploymentId: row.id, err: describeError(error) }, 'could not queue a scaled deployment; the next reconcile will');
    });
  }
  await writeScalingMemory(ctx.redis, remembered);
  return scaled;
}
