import { aggregateStatus, type DeploymentStatus, type DesiredState, type ServerStatus } from '@gguf/core';

/**
 * What the cluster side does next for one deployment, decided from its row and its servers' rows
 * alone, without touching anything; cluster-sync.ts performs it. The cluster side places servers
 * and scales; everything that touches a server on its node is that node's (node-decision.ts).
 */
export type ClusterAction =
  /** Nothing to do until something changes. */
  | { kind: 'done' }
  /** Its status is not what its servers and wishes say (a new desired state or generation): write it. */
  | { kind: 'settle'; message: string }
  /** To be deleted and no server is left: its output forgotten, `deleted`. */
  | { kind: 'finish-delete' }
  /** Asleep, and a request waits for it (or `replicas.min` rose above 0): it wants servers again. */
  | { kind: 'wake'; replicas: number; message: string }
  /** It wants a number of servers outside `replicas` (the owner changed them): brought within. */
  | { kind: 'resize'; replicas: number }
  /** Fewer servers than it wants: check what it asks, then place one more. */
  | { kind: 'place' }
  /** More servers than it wants (the least advanced one goes), or one on a draining node now replaced. */
  | { kind: 'shrink'; serverId: string; message: string }
  /** Its servers' nodes do the rest: each server gets a node job. */
  | { kind: 'hand-to-nodes' };

export interface ClusterFacts {
  status: DeploymentStatus;
  desiredState: DesiredState;
  generation: number;
  failedGeneration: number | null;
  replicasMin: number;
  replicasMax: number;
  replicasWanted: number;
}

/** Its servers, oldest first. */
export interface ServerFacts {
  id: string;
  status: ServerStatus;
  /** Its node is draining: the server is replaced elsewhere first, then goes. */
  leaving?: boolean;
}

/** Least advanced first: the one a shrink removes. */
const RANK: Record<ServerStatus, number> = { stopping: 0, placed: 1, pulling: 2, starting: 3, ready: 4 };

/** `wakeWanted`: a request waits for it (read only while it is asleep). */
export function decideInCluster(row: ClusterFacts, servers: readonly ServerFacts[], wakeWanted = false): ClusterAction {
  if (row.status === 'deleted') return { kind: 'done' };
  if (row.desiredState === 'deleted' && servers.length === 0) return { kind: 'finish-delete' };
  const derived = aggregateStatus({ ...row, servers: servers.map((s) => s.status) });
  if (derived !== row.status) return { kind: 'settle', message: settleMessage(row, derived) };

  if (row.desiredState === 'running' && row.failedGeneration !== row.generation) {
    const floor = Math.max(row.replicasMin, 1);
    if (row.replicasWanted === 0) {
      if (wakeWanted) return { kind: 'wake', replicas: floor, message: 'waking: a request is waiting for it' };
      if (row.replicasMin > 0) return { kind: 'wake', replicas: floor, message: 'waking: replicas.min is above 0' };
    } else {
      const within = Math.min(Math.max(row.replicasWanted, floor), row.replicasMax);
      if (within !== row.replicasWanted) return { kind: 'resize', replicas: within };
      // Servers on a draining node do not count: their replacements are placed while they still serve.
      const live = servers.filter((s) => s.status !== 'stopping' && !s.leaving);
      if (live.length < row.replicasWanted) return { kind: 'place' };
      if (live.length > row.replicasWanted) {
        // The least advanced goes; among equals, the newest.
        const victim = [...live].reverse().sort((a, b) => RANK[a.status] - RANK[b.status])[0]!;
        return { kind: 'shrink', serverId: victim.id, message: 'more servers than it wants: this one goes' };
      }
      const leaving = servers.find((s) => s.leaving && s.status !== 'stopping');
      if (leaving && live.every((s) => s.status === 'ready')) return { kind: 'shrink', serverId: leaving.id, message: 'its node is draining and its replacement is ready: this one goes' };
    }
  }
  return servers.length > 0 ? { kind: 'hand-to-nodes' } : { kind: 'done' };
}

function settleMessage(row: ClusterFacts, to: DeploymentStatus): string {
  if (to === 'pending') {
    if (row.status === 'failed') return `retrying for generation ${row.generation}`;
    if (row.status === 'stopped') return 'starting';
    return 'placing it';
  }
  return to;
}
