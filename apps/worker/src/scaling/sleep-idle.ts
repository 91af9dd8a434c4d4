import { describeError } from '@gguf/core';
import { clearWake, enqueueDeploymentSync, readActivity } from '@gguf/redis';
import type { WorkerContext } from '../context';
import { changeDeployment } from '../deployments/apply-transition';
import { decideSleep } from './sleep-decision';

/** Deployments looked at per pass; the rest wait for the next tick. */
const BATCH = 500;

/**
 * Part of the cluster reconcile: deployments that may sleep (`replicas.min` 0) and had no request
 * for `scale_down_after_s` want no server any more (`running → sleeping`), as sleep-decision.ts
 * decides from the gateways' activity in Redis; their servers' nodes then stop them and free
 * the capacity (sync/fall-asleep.ts). Returns the ids put to sleep.
 */
export async function sleepIdleDeployments(ctx: WorkerContext, now = Date.now()): Promise<string[]> {
  const rows = await ctx.db.deployment.findMany({
    where: { replicasMin: 0, desiredState: 'running', status: 'running' },
    select: { id: true, status: true, desiredState: true, replicasMin: true, scaleDownAfterS: true, readyAt: true, generation: true },
    orderBy: { readyAt: 'asc' },
    take: BATCH,
  });
  if (rows.length === 0) return [];
  const activity = await readActivity(ctx.redis, rows.map((r) => r.id));
  const slept: string[] = [];
  for (const row of rows) {
    const seen = activity.get(row.id)!;
    const idle = decideSleep(row, seen, now);
    if (!idle) continue;
    // A wake asked before it fell asleep (a request held while it last woke) must not wake it again at once.
    await clearWake(ctx.redis, row.id);
    const minutes = Math.round(idle.idleSeconds / 60);
    const ok = await changeDeployment(ctx, row.id, {
      where: { status: 'running', generation: row.generation, replicasWanted: { gt: 0 } },
      deployment: { replicasWanted: 0 },
      message: `asleep after ${minutes >= 1 ? `${minutes} min` : `${idle.idleSeconds} s`} without requests; wakes on the next request`,
      data: { reason: 'idle', idleSeconds: idle.idleSeconds, scaleDownAfterS: row.scaleDownAfterS, inflight: seen.inflight, lastRequestAt: seen.lastRequestAt ? new Date(seen.lastRequestAt).toISOString() : null },
    });
    if (!ok) continue;
    slept.push(row.id);
    // Its servers' nodes let go of them.
    await enqueueDeploymentSync(ctx.deploymentQueue, { deploymentId: row.id, generation: row.generation, desiredState: 'running', reason: 'asleep' }).catch((error: unknown) => {
      ctx.logger.warn({ deploymentId: row.id, err: describeError(error) }, 'could not hand a sleeping deployment to its node; the next reconcile will');
    });
  }
  return slept;
}
