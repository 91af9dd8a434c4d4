import { type DeploymentStatus, describeError, type Logger, transition } from '@gguf/core';
import type { Database, Prisma } from '@gguf/db';
import { publishDeploymentChanged, type Redis } from '@gguf/redis';

/** What every helper here needs: the database, Redis for change notifications, a logger. */
export interface StateStore {
  db: Database;
  redis: Redis;
  logger: Logger;
}

export type Tx = Prisma.TransactionClient;

/** Columns that describe where a deployment runs; cleared together when it stops running anywhere. */
export const UNPLACED = { nodeId: null, port: null, upstreamUrl: null, runtimeHandle: null } as const;

export interface TransitionInput {
  deploymentId: string;
  from: DeploymentStatus;
  to: DeploymentStatus;
  /** Shown to the user as the status message and recorded on the event. */
  message: string;
  /** Other columns written by the same UPDATE. */
  set?: Prisma.DeploymentUncheckedUpdateManyInput;
  /** Apply only while the deployment is still at this generation (stale work must not win). */
  generation?: number;
  /** Extra data on the status event. */
  data?: Record<string, unknown>;
  /** More statements inside the same transaction (releasing GPUs, a second event). */
  also?: (tx: Tx) => Promise<void>;
}

/**
 * The one way the worker changes a deployment's status: the move is checked against the
 * transition table, applied with compare-and-set (`UPDATE … WHERE id = $1 AND status = $from`)
 * and recorded as a deployment event in the same transaction, then announced to every gateway.
 * Returns false when the deployment was no longer in `from` (someone else moved it first): the
 * caller re-reads and decides again.
 */
export async function applyTransition(store: StateStore, input: TransitionInput): Promise<boolean> {
  const to = transition(input.from, input.to);
  const applied = await store.db.$transaction(async (tx) => {
    const { count } = await tx.deployment.updateMany({
      where: { id: input.deploymentId, status: input.from, ...(input.generation !== undefined ? { generation: input.generation } : {}) },
      data: { ...input.set, status: to, statusMessage: input.message },
    });
    if (count === 0) return false;
    await tx.deploymentEvent.create({
      data: {
        deploymentId: input.deploymentId,
        type: 'status',
        fromStatus: input.from,
        toStatus: to,
        message: input.message,
        ...(input.data ? { data: input.data as Prisma.InputJsonValue } : {}),
      },
    });
    await input.also?.(tx);
    return true;
  });
  if (applied) {
    store.logger.info({ deploymentId: input.deploymentId, from: input.from, to }, input.message);
    await announce(store, input.deploymentId, to === 'deleted' ? 'deleted' : 'updated');
  }
  return applied;
}

export interface NoteInput {
  deploymentId: string;
  /** Event type: schedule, pull, server, exit, orphan, port… */
  type: string;
  message: string;
  data?: Record<string, unknown>;
  /** Also replace the status message (and these columns), but only while the status is still this one. */
  status?: DeploymentStatus;
  set?: Prisma.DeploymentUncheckedUpdateManyInput;
  generation?: number;
  /** The status message, when it should differ from the event's message. */
  statusMessage?: string;
}

/**
 * Records something that happened without a status change (a pull's progress, a placement, an
 * exit), optionally updating the status message and other columns under the same
 * compare-and-set guard. Returns false when the guard no longer held.
 */
export async function noteDeployment(store: StateStore, input: NoteInput): Promise<boolean> {
  const applied = await store.db.$transaction(async (tx) => {
    if (input.status !== undefined) {
      const { count } = await tx.deployment.updateMany({
        where: { id: input.deploymentId, status: input.status, ...(input.generation !== undefined ? { generation: input.generation } : {}) },
        data: { ...input.set, statusMessage: input.statusMessage ?? input.message },
      });
      if (count === 0) return false;
    }
    await tx.deploymentEvent.create({
      data: { deploymentId: input.deploymentId, type: input.type, message: input.message, ...(input.data ? { data: input.data as Prisma.InputJsonValue } : {}) },
    });
    return true;
  });
  if (applied && input.status !== undefined) await announce(store, input.deploymentId, 'updated');
  return applied;
}

/** Tells gateways to refresh their view of a deployment; a failure to publish is logged, never fatal (they also refresh on a timer). */
export async function announce(store: StateStore, deploymentId: string, kind: 'updated' | 'deleted'): Promise<void> {
  try {
    await publishDeploymentChanged(store.redis, { kind, deploymentId });
  } catch (error) {
    store.logger.warn({ deploymentId, err: describeError(error) }, 'could not publish a deployment change');
  }
}

/** Frees a deployment's GPUs (its port and node go with the UNPLACED columns of the same UPDATE). */
export async function releaseGpus(tx: Tx, deploymentId: string): Promise<void> {
  await tx.gpuAllocation.deleteMany({ where: { deploymentId } });
}

/** deployStep is "g<generation>:<step>", so a step recorded for an older generation is recognisably stale. */
export function stepOf(deployStep: string | null): { generation: number; step: string } | undefined {
  const match = deployStep ? /^g(\d+):(\w+)$/.exec(deployStep) : null;
  return match ? { generation: Number(match[1]), step: match[2]! } : undefined;
}

export function step(generation: number, name: 'placed' | 'pulling' | 'starting' | 'started' | 'ready' | 'crashed' | 'failed'): string {
  return `g${generation}:${name}`;
}

/** True when the deployment failed at its current generation: it stays failed until the generation changes. */
export function failedAtCurrentGeneration(row: { status: DeploymentStatus; deployStep: string | null; generation: number }): boolean {
  const s = stepOf(row.deployStep);
  return row.status === 'failed' && s?.step === 'failed' && s.generation === row.generation;
}
