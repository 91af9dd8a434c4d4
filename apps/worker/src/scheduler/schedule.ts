import { newId } from '@gguf/core';
import type { Database, Prisma } from '@gguf/db';
import { gpuTypeMatches } from '../node/gpus';
import { announce, lockDeployment, settleStatus, type StateStore } from '../deployments/apply-transition';

export interface Placement {
  serverId: string;
  nodeId: string;
  nodeName: string;
  gpuIndices: number[];
  port: number;
}

export type ScheduleResult =
  | { kind: 'placed'; placement: Placement }
  /** No capacity now: the deployment stays pending; `reason` says what it waits for. */
  | { kind: 'waiting'; reason: string }
  /** The deployment needs no more servers (or no longer runs): someone else acted on it. */
  | { kind: 'skipped' };

interface CandidateNode {
  id: string;
  name: string;
  cpuSlots: number;
  /** CPU cores its servers may use; null until its worker reported them. */
  cpuCores: number | null;
  portRangeStart: number;
  portRangeEnd: number;
  gpus: { index: number; type: string; free: boolean }[];
}

type Choice = { node: CandidateNode; gpuIndices: number[] };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Unique violation: another worker booked the same GPU or port first. */
function isConflict(error: unknown): boolean {
  const e = error as { code?: string; meta?: { code?: string }; message?: string };
  return e?.code === 'P2002' || e?.meta?.code === '23505' || /23505|unique constraint/i.test(e?.message ?? '');
}

class Conflict extends Error {}

/**
 * Best fit for GPUs: the node left with the fewest matching free GPUs, so big requests still find
 * whole nodes later. CPU-only deployments prefer nodes without GPUs, then the fullest node.
 */
export function choosePlacement(
  ready: CandidateNode[],
  request: { gpuCount: number; gpuType: string | null; threads?: number },
  cpuUsed: Map<string, number>,
): Choice | { reason: string } {
  if (ready.length === 0) return { reason: 'waiting for a node: no node is ready (none registered, all unreachable, cordoned or draining)' };
  // A deployment asking for N threads runs only where N cores exist: more threads than cores only slows llama.cpp down.
  const threads = request.threads;
  const nodes = threads === undefined ? ready : ready.filter((n) => n.cpuCores === null || n.cpuCores >= threads);
  if (nodes.length === 0) {
    const most = Math.max(...ready.map((n) => n.cpuCores ?? 0));
    return { reason: `waiting for a node with ${plural(threads!, 'CPU core')} (threads ${threads}): the most any ready node has is ${most}` };
  }
  if (request.gpuCount === 0) {
    const open = nodes.filter((n) => (cpuUsed.get(n.id) ?? 0) < n.cpuSlots);
    if (open.length === 0) return { reason: `waiting for a CPU slot: every ready node already runs its maximum of CPU-only deployments` };
    open.sort(
      (a, b) =>
        Number(a.gpus.length > 0) - Number(b.gpus.length > 0) ||
        a.cpuSlots - (cpuUsed.get(a.id) ?? 0) - (b.cpuSlots - (cpuUsed.get(b.id) ?? 0)) ||
        a.name.localeCompare(b.name),
    );
    return { node: open[0]!, gpuIndices: [] };
  }
  const what = `${plural(request.gpuCount, 'free GPU')}${request.gpuType ? ` of type ${request.gpuType}` : ''}`;
  const fits = nodes
    .map((node) => ({ node, free: node.gpus.filter((g) => g.free && gpuTypeMatches(g.type, request.gpuType)).map((g) => g.index) }))
    .filter((c) => c.free.length >= request.gpuCount)
    .sort((a, b) => a.free.length - b.free.length || a.node.name.localeCompare(b.node.name));
  const best = fits[0];
  if (best) return { node: best.node, gpuIndices: best.free.sort((x, y) => x - y).slice(0, request.gpuCount) };
  const matching = nodes.map((node) => ({ node, total: node.gpus.filter((g) => gpuTypeMatches(g.type, request.gpuType)).length, free: node.gpus.filter((g) => g.free && gpuTypeMatches(g.type, request.gpuType)).length }));
  const most = matching.sort((a, b) => b.free - a.free || b.total - a.total)[0]!;
  if (matching.every((m) => m.total < request.gpuCount)) {
    return { reason: `waiting for ${what}: no ready node has ${plural(request.gpuCount, 'GPU')}${request.gpuType ? ` of type ${request.gpuType}` : ''} at all` };
  }
  return { reason: `waiting for ${what}: the most any ready node has free is ${most.free} (${most.node.name})` };
}

export interface ScheduleOptions {
  /** A node whose heartbeat is older than this is not a candidate. */
  staleAfterMs: number;
  /** Attempts when another worker wins a race for the same GPU or port. */
  attempts?: number;
}

/**
 * Places one more server of a deployment that has fewer than it wants: picks a node (one that runs
 * none of its servers yet, when one fits, so replicas spread), GPUs and a port, and books them with
 * the server's row in one Postgres transaction. Two workers racing for the same GPU cannot both commit: the primary key of
 * gpu_allocations (node, GPU index) refuses the second insert, as the unique (node, port) index
 * refuses a second port; the loser starts over with fresh data and usually finds nothing left.
 * CPU slots have no such key, so the chosen node's row is locked while they are counted.
 */
export async function placeServer(store: StateStore, deploymentId: string, options: ScheduleOptions): Promise<ScheduleResult> {
  const attempts = options.attempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await store.db.$transaction((tx) => placeOnce(tx, deploymentId, options), { maxWait: 10_000, timeout: 20_000 });
      if (result.kind === 'placed') await announce(store, deploymentId, 'updated');
      return result;
    } catch (error) {
      if (error instanceof PortsExhausted) return { kind: 'waiting', reason: `waiting for a port: ${error.message}` };
      if ((error instanceof Conflict || isConflict(error)) && attempt < attempts) continue;
      if (error instanceof Conflict || isConflict(error)) return { kind: 'waiting', reason: 'waiting for capacity: other deployments are being placed at the same moment' };
      throw error;
    }
  }
}

async function placeOnce(tx: Prisma.TransactionClient, deploymentId: string, options: ScheduleOptions): Promise<ScheduleResult> {
  await lockDeployment(tx, deploymentId);
  const deployment = await tx.deployment.findUnique({ where: { id: deploymentId }, include: { servers: { select: { nodeId: true, status: true, node: { select: { drainingAt: true } } } } } });
  if (!deployment || deployment.desiredState !== 'running' || deployment.failedGeneration === deployment.generation) return { kind: 'skipped' };
  // As cluster-decision.ts counts them: a server on a draining node is being replaced.
  const live = deployment.servers.filter((s) => s.status !== 'stopping' && s.node.drainingAt === null);
  if (live.length >= deployment.replicasWanted) return { kind: 'skipped' };

  // The database's clock, not this worker's: heartbeats are stamped with it too.
  const [clock] = await tx.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
  const now = clock?.now ?? new Date();
  const rows = await tx.node.findMany({
    where: { status: 'ready', cordoned: false, drainingAt: null, heartbeatAt: { gt: new Date(now.getTime() - options.staleAfterMs) } },
    include: { gpus: { include: { allocation: { select: { serverId: true } } } } },
    orderBy: { name: 'asc' },
  });
  const nodes: CandidateNode[] = rows.map((n) => ({
    id: n.id,
    name: n.name,
    cpuSlots: n.cpuSlots,
    cpuCores: n.cpuCores,
    portRangeStart: n.portRangeStart,
    portRangeEnd: n.portRangeEnd,
    gpus: n.gpus.map((g) => ({ index: g.index, type: g.type, free: g.allocation === null })),
  }));
  const cpuUsed = new Map<string, number>();
  if (deployment.gpuCount === 0 && nodes.length > 0) {
    const cpuServers = await tx.server.findMany({ where: { nodeId: { in: nodes.map((n) => n.id) }, deployment: { gpuCount: 0 } }, select: { nodeId: true } });
    for (const s of cpuServers) cpuUsed.set(s.nodeId, (cpuUsed.get(s.nodeId) ?? 0) + 1);
  }

  const threads = (deployment.llamaArgs as { threads?: unknown } | null)?.threads;
  const request = { ...deployment, threads: typeof threads === 'number' ? threads : undefined };
  // Replicas spread: a node without a server of this deployment first, any node that fits after.
  const mine = new Set(deployment.servers.map((s) => s.nodeId));
  const elsewhere = nodes.filter((n) => !mine.has(n.id));
  const spread = elsewhere.length > 0 && elsewhere.length < nodes.length ? choosePlacement(elsewhere, request, cpuUsed) : undefined;
  const choice = spread && !('reason' in spread) ? spread : choosePlacement(nodes, request, cpuUsed);
  if ('reason' in choice) return { kind: 'waiting', reason: choice.reason };
  const { node, gpuIndices } = choice;

  if (gpuIndices.length === 0) {
    // Serialise CPU placements on this node, then count again under the lock.
    await tx.$queryRaw`SELECT id FROM nodes WHERE id = ${node.id} FOR UPDATE`;
    const used = await tx.server.count({ where: { nodeId: node.id, deployment: { gpuCount: 0 } } });
    if (used >= node.cpuSlots) throw new Conflict('CPU slots taken meanwhile');
  }

  const taken = new Set((await tx.server.findMany({ where: { nodeId: node.id }, select: { port: true } })).map((s) => s.port));
  let port: number | undefined;
  for (let p = node.portRangeStart; p <= node.portRangeEnd; p++) {
    if (!taken.has(p)) {
      port = p;
      break;
    }
  }
  if (port === undefined) throw new PortsExhausted(node.name);

  const gpuText = gpuIndices.length ? `GPU${gpuIndices.length > 1 ? 's' : ''} ${gpuIndices.join(', ')}` : 'a CPU slot';
  const message = `placed on node ${node.name} (${gpuText}, port ${port})`;
  const serverId = newId('server');
  // The unique (node_id, port) index is the guard against two servers on one port.
  await tx.server.create({ data: { id: serverId, deploymentId, generation: deployment.generation, nodeId: node.id, port, status: 'placed', statusMessage: message } });
  // The primary key (node_id, gpu_index) is the guard: a concurrent booking of any of these fails here.
  if (gpuIndices.length > 0) await tx.gpuAllocation.createMany({ data: gpuIndices.map((gpuIndex) => ({ nodeId: node.id, gpuIndex, serverId })) });
  await settleStatus(tx, deploymentId, message, { serverId, nodeId: node.id, node: node.name, gpuIndices, port }, 'placed');
  await tx.deploymentEvent.create({ data: { deploymentId, type: 'schedule', message, data: { serverId, nodeId: node.id, node: node.name, gpuIndices, port } } });
  return { kind: 'placed', placement: { serverId, nodeId: node.id, nodeName: node.name, gpuIndices, port } };
}

class PortsExhausted extends Error {
  constructor(node: string) {
    super(`node ${node} has no free port left in its range`);
  }
}

/** The GPUs a server holds. */
export async function allocatedGpus(db: Database, serverId: string): Promise<{ index: number; type: string }[]> {
  const rows = await db.gpuAllocation.findMany({ where: { serverId }, include: { gpu: { select: { type: true } } }, orderBy: { gpuIndex: 'asc' } });
  return rows.map((r) => ({ index: r.gpuIndex, type: r.gpu.type }));
}

/** Whether what a deployment holds still satisfies what it asks for (a settings change may have changed the GPU request). */
export function allocationFits(request: { gpuCount: number; gpuType: string | null }, held: { type: string }[]): boolean {
  return held.length === request.gpuCount && held.every((g) => gpuTypeMatches(g.type, request.gpuType));
}
