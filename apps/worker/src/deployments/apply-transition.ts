import { aggregateStatus, type DeploymentStatus, describeError, type Logger, type ServerStatus, serverTransition, transition } from '@gguf/core';
import type { Database, Prisma } from '@gguf/db';
import { publishDeploymentChanged, type Redis } from '@gguf/redis';

/** What every helper here needs: the database, Redis for change notifications, a logger. */
export interface StateStore {
  db: Database;
  redis: Redis;
  logger: Logger;
}

export type Tx = Prisma.TransactionClient;

/** A server as its compare-and-set guard needs it: the row is changed only while it still reads like this. */
export interface ServerGuard {
  id: string;
  deploymentId: string;
  status: ServerStatus;
  generation: number;
}

/** A deployment event written in the same transaction (an exit, a start, a port move…). */
export interface EventInput {
  type: string;
  message: string;
  data?: Record<string, unknown>;
}

interface Change {
  /** Shown as the server's status message, and as its deployment's when the deployment's status changes with it. */
  message: string;
  /** Deployment columns written in the same transaction (the model's checksum, a failed generation…). */
  deployment?: Prisma.DeploymentUncheckedUpdateManyInput;
  event?: EventInput;
  /** Extra data on the deployment's status event, if its status changes. */
  data?: Record<string, unknown>;
}

export interface ServerChange extends Change {
  server: ServerGuard;
  /** The server's next status; omitted: only columns change. */
  to?: ServerStatus;
  set?: Prisma.ServerUncheckedUpdateManyInput;
}

/**
 * The one way the worker changes a server: checked against the server's transition table, applied
 * with compare-and-set (`UPDATE … WHERE id = $1 AND status = $from AND generation = $g`), and the
 * deployment's status derived again from all its servers, in one transaction; then announced to
 * the gateways. Returns false when the server no longer read as guarded (someone else moved it
 * first): the caller reads again and decides again.
 */
export async function changeServer(store: StateStore, input: ServerChange): Promise<boolean> {
  const { server } = input;
  const to = input.to === undefined ? undefined : serverTransition(server.status, input.to);
  const applied = await store.db.$transaction(async (tx) => {
    await lockDeployment(tx, server.deploymentId);
    const { count } = await tx.server.updateMany({
      where: { id: server.id, status: server.status, generation: server.generation },
      data: { ...input.set, statusMessage: input.message, ...(to !== undefined ? { status: to } : {}) },
    });
    if (count === 0) return false;
    await alongside(tx, server.deploymentId, input, to ?? server.status);
    return true;
  });
  if (applied) {
    if (to !== undefined) store.logger.info({ deploymentId: server.deploymentId, serverId: server.id, from: server.status, to }, input.message);
    await announce(store, server.deploymentId, 'updated');
  }
  return applied;
}

/**
 * A server leaves: its row is deleted (its GPUs and port with it) and the deployment's status
 * derived again, in one transaction. `status` guards like changeServer's (omitted: whatever it reads).
 */
export async function removeServerRow(store: StateStore, input: Change & { server: Omit<ServerGuard, 'status' | 'generation'> & Partial<ServerGuard> }): Promise<boolean> {
  const { server } = input;
  const applied = await store.db.$transaction(async (tx) => {
    await lockDeployment(tx, server.deploymentId);
    const { count } = await tx.server.deleteMany({ where: { id: server.id, ...(server.status !== undefined ? { status: server.status } : {}) } });
    if (count === 0) return false;
    await alongside(tx, server.deploymentId, input);
    return true;
  });
  if (applied) await announce(store, server.deploymentId, 'updated');
  return applied;
}

/**
 * A change of the deployment itself (asleep, awake, failed at its generation, a new desired state
 * with no server to act on): its columns written and its status derived again. `where` guards.
 */
export async function changeDeployment(store: StateStore, deploymentId: string, input: Change & { where?: Prisma.DeploymentWhereInput }): Promise<boolean> {
  const applied = await store.db.$transaction(async (tx) => {
    await lockDeployment(tx, deploymentId);
    if (input.where && (await tx.deployment.count({ where: { id: deploymentId, ...input.where } })) === 0) return false;
    await alongside(tx, deploymentId, input);
    return true;
  });
  if (applied) await announce(store, deploymentId, 'updated');
  return applied;
}

/** Server transactions of one deployment take turns, so each derives its status from every other's outcome. */
export async function lockDeployment(tx: Tx, deploymentId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM deployments WHERE id = ${deploymentId} FOR UPDATE`;
}

async function alongside(tx: Tx, deploymentId: string, input: Change, server?: ServerStatus): Promise<void> {
  if (input.deployment) await tx.deployment.updateMany({ where: { id: deploymentId }, data: input.deployment });
  if (input.event) await tx.deploymentEvent.create({ data: { deploymentId, type: input.event.type, message: input.event.message, ...(input.event.data ? { data: input.event.data as Prisma.InputJsonValue } : {}) } });
  await settleStatus(tx, deploymentId, input.message, input.data, server);
}

/**
 * Derives the deployment's status from its servers (@gguf/core aggregateStatus) and, when it
 * changed, writes it through the transition table with its status event. When it did not change,
 * news of a server that leads it (a server `starting` of a deployment `starting`: a restart's
 * backoff, say) still becomes the deployment's status message.
 */
export async function settleStatus(tx: Tx, deploymentId: string, message: string, data?: Record<string, unknown>, server?: ServerStatus): Promise<void> {
  const row = await tx.deployment.findUnique({
    where: { id: deploymentId },
    select: { status: true, desiredState: true, generation: true, failedGeneration: true, replicasWanted: true, servers: { select: { status: true } } },
  });
  if (!row || row.status === 'deleted') return;
  const next = aggregateStatus({ ...row, servers: row.servers.map((s) => s.status) });
  if (next === row.status) {
    if (server !== undefined && aggregateStatus({ ...row, servers: [server] }) === next) await tx.deployment.update({ where: { id: deploymentId }, data: { statusMessage: message } });
    return;
  }
  await tx.deployment.update({ where: { id: deploymentId }, data: { status: transition(row.status, next), statusMessage: message } });
  await tx.deploymentEvent.create({
    data: { deploymentId, type: 'status', fromStatus: row.status, toStatus: next, message, ...(data ? { data: data as Prisma.InputJsonValue } : {}) },
  });
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
