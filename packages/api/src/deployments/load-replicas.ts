import { describeError } from '@gguf/core';
import type { Database, Prisma } from '@gguf/db';
import { readActivity, readServerActivity } from '@gguf/redis';
import type { ApiDeps, Tx } from '../deps';

const SERVER_SELECT = {
  id: true,
  deploymentId: true,
  status: true,
  restartCount: true,
  readyAt: true,
  node: { select: { id: true, name: true } },
} satisfies Prisma.ServerSelect;

export type ReplicaServerRow = Prisma.ServerGetPayload<{ select: typeof SERVER_SELECT }>;

/** What runs a deployment now: its servers, oldest first, and the requests in flight to it and on each server (null: unknown). */
export interface Replicas {
  servers: ReplicaServerRow[];
  inflight: number | null;
  /** By server id; a server without an entry has none in flight. */
  serverInflight: ReadonlyMap<string, number> | null;
}

/** A deployment that was just created: nothing is placed and nothing could be in flight yet. */
export const NO_REPLICAS: Replicas = { servers: [], inflight: 0, serverInflight: new Map() };

/**
 * The servers and in-flight counts (per deployment and per server) of a page of deployments: one query and
 * one Redis round trip, whatever the page's size.
 */
export async function loadReplicas(deps: Pick<ApiDeps, 'redis' | 'logger'>, db: Database | Tx, deploymentIds: readonly string[]): Promise<Map<string, Replicas>> {
  const [servers, activity] = await Promise.all([
    db.server.findMany({ where: { deploymentId: { in: [...deploymentIds] } }, select: SERVER_SELECT, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    readInflight(deps, deploymentIds),
  ]);
  const result = new Map<string, Replicas>(
    deploymentIds.map((id) => [id, { servers: [], inflight: activity?.deployments.get(id)?.inflight ?? null, serverInflight: activity?.servers ?? null }]),
  );
  for (const server of servers) result.get(server.deploymentId)?.servers.push(server);
  return result;
}

/** One deployment's replicas. */
export async function loadReplicasOf(deps: Pick<ApiDeps, 'redis' | 'logger'>, db: Database | Tx, deploymentId: string): Promise<Replicas> {
  return (await loadReplicas(deps, db, [deploymentId])).get(deploymentId) ?? NO_REPLICAS;
}

/**
 * In-flight counts are a gauge, not a record: while Redis is down a deployment still reads, with null counts,
 * instead of waiting for the reconnect (commands queue until then). Both reads go out together: one round trip.
 */
async function readInflight(deps: Pick<ApiDeps, 'redis' | 'logger'>, deploymentIds: readonly string[]) {
  if (deploymentIds.length === 0 || deps.redis.status !== 'ready') return null;
  try {
    const [deployments, servers] = await Promise.all([readActivity(deps.redis, deploymentIds), readServerActivity(deps.redis, deploymentIds)]);
    return { deployments, servers };
  } catch (error) {
    deps.logger.warn({ err: describeError(error) }, 'could not read in-flight counts from Redis');
    return null;
  }
}
