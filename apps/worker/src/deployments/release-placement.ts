import type { DeploymentStatus } from '@gguf/core';
import type { Prisma } from '@gguf/db';
import type { WorkerContext } from '../context';
import { kickPending } from '../sync/kick';
import { applyTransition, releaseGpus, UNPLACED } from './apply-transition';

export interface ReleaseInput {
  deploymentId: string;
  /** The status it is read in: the compare-and-set guard. */
  from: DeploymentStatus;
  /** The status it moves to; left as it is when omitted or equal to `from`. */
  to?: DeploymentStatus;
  message?: string;
  /** Columns written with the placement's (deployStep, restartCount, deletedAt…). */
  set?: Prisma.DeploymentUncheckedUpdateManyInput;
  data?: Record<string, unknown>;
  generation?: number;
  /** Only while it is still placed on this node (a status-preserving release must not undo a new placement). */
  nodeId?: string;
  /** Give deployments waiting for capacity a chance now (false when the deployment held no node). */
  kick?: boolean;
}

/**
 * The one way a deployment gives its node back, whichever side decides it: its node, port and
 * upstream cleared and its GPUs released in one transaction with the status change (or, with no
 * status change, under the same compare-and-set guard); then waiting deployments are kicked.
 * Returns false when the guard no longer held: the caller reads again.
 */
export async function releasePlacement(ctx: WorkerContext, input: ReleaseInput): Promise<boolean> {
  const set = { ...UNPLACED, ...input.set };
  const also = (tx: Prisma.TransactionClient) => releaseGpus(tx, input.deploymentId);
  let ok: boolean;
  if (input.to !== undefined && input.to !== input.from) {
    ok = await applyTransition(ctx, {
      deploymentId: input.deploymentId,
      from: input.from,
      to: input.to,
      message: input.message ?? input.to,
      set,
      also,
      ...(input.data ? { data: input.data } : {}),
      ...(input.generation !== undefined ? { generation: input.generation } : {}),
    });
  } else {
    ok = await ctx.db.$transaction(async (tx) => {
      const { count } = await tx.deployment.updateMany({ where: { id: input.deploymentId, status: input.from, ...(input.nodeId !== undefined ? { nodeId: input.nodeId } : {}) }, data: input.message ? { ...set, statusMessage: input.message } : set });
      if (count > 0) await also(tx);
      return count > 0;
    });
  }
  if (ok && input.kick !== false) await kickPending(ctx);
  return ok;
}
