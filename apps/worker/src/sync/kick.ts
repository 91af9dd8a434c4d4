import { describeError } from '@gguf/core';
import { enqueueDeploymentSync } from '@gguf/redis';
import type { WorkerContext } from '../context';
import { SHORT_OF_SERVERS } from '../deployments/short-of-servers';

/**
 * Capacity was just freed (a server stopped, failed, was removed or moved): give deployments
 * waiting for capacity (short of the servers they want) a chance now rather than at the next
 * reconcile tick.
 */
export async function kickPending(ctx: Pick<WorkerContext, 'db' | 'deploymentQueue' | 'logger'>): Promise<void> {
  try {
    const waiting = await ctx.db.$queryRaw<{ id: string; generation: number }[]>`
      SELECT d.id, d.generation FROM deployments d WHERE ${SHORT_OF_SERVERS} ORDER BY d.created_at LIMIT 100`;
    for (const d of waiting) {
      await enqueueDeploymentSync(ctx.deploymentQueue, { deploymentId: d.id, generation: d.generation, desiredState: 'running', reason: 'capacity freed' });
    }
  } catch (error) {
    ctx.logger.warn({ err: describeError(error) }, 'could not queue pending deployments');
  }
}
