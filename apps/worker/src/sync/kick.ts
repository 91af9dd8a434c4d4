import { describeError } from '@gguf/core';
import { enqueueDeploymentSync } from '@gguf/redis';
import type { WorkerContext } from '../context';

/**
 * Capacity was just freed (a server stopped, failed, was removed or moved): give deployments
 * waiting for capacity a chance now rather than at the next reconcile tick.
 */
export async function kickPending(ctx: Pick<WorkerContext, 'db' | 'deploymentQueue' | 'logger'>): Promise<void> {
  try {
    const waiting = await ctx.db.deployment.findMany({
      where: { status: 'pending', desiredState: 'running' },
      select: { id: true, generation: true },
      orderBy: { createdAt: 'asc' },
      take: 100,
    });
    for (const d of waiting) {
      await enqueueDeploymentSync(ctx.deploymentQueue, { deploymentId: d.id, generation: d.generation, desiredState: 'running', reason: 'capacity freed' });
    }
  } catch (error) {
    ctx.logger.warn({ err: describeError(error) }, 'could not queue pending deployments');
  }
}
