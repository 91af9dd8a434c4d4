import { describeError, isId, type Logger } from '@gguf/core';
import { closeRedis, createRedis, enqueueDeploymentSync, pendingWakes, type Redis, WAKE_CHANNEL } from '@gguf/redis';
import type { WorkerContext } from '../context';

type WakeContext = Pick<WorkerContext, 'db' | 'deploymentQueue' | 'logger'>;

/**
 * A gateway holds a request for a sleeping deployment: give it a deployment.sync, where the
 * cluster side (cluster-decision.ts) sees the wake and wants servers again: a server still up
 * serves at once (`sleeping → running`), else one is placed (`sleeping → pending`).
 */
export async function queueWake(ctx: WakeContext, deploymentId: string): Promise<boolean> {
  const row = await ctx.db.deployment.findUnique({ where: { id: deploymentId }, select: { status: true, generation: true, desiredState: true } });
  if (row?.status !== 'sleeping') return false;
  await enqueueDeploymentSync(ctx.deploymentQueue, { deploymentId, generation: row.generation, desiredState: row.desiredState, reason: 'wake' });
  return true;
}

/** The reconcile's safety net for a wake announced while no worker listened: every wake still wanted is queued again. */
export async function requeueWakes(ctx: WakeContext & { redis: Redis }): Promise<string[]> {
  const queued: string[] = [];
  for (const id of await pendingWakes(ctx.redis)) if (await queueWake(ctx, id)) queued.push(id);
  return queued;
}

/** Listens for wakes the gateways announce; returns the function that stops listening. */
export async function listenForWakes(ctx: WakeContext, redisUrl: string, logger: Logger): Promise<() => Promise<void>> {
  const subscriber = createRedis(redisUrl, 'gguf-worker-wakes');
  subscriber.on('message', (_channel: string, id: string) => {
    // Anything but a deployment id on the channel is ignored.
    if (!isId('deployment', id)) return;
    queueWake(ctx, id).catch((error: unknown) => logger.warn({ deploymentId: id, err: describeError(error) }, 'could not queue a wake; the next reconcile will'));
  });
  await subscriber.subscribe(WAKE_CHANNEL);
  return () => closeRedis(subscriber);
}
