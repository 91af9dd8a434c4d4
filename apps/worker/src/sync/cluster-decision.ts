import type { DeploymentStatus, DesiredState } from '@gguf/core';
import { failedAtCurrentGeneration } from '../deployments/apply-transition';

/**
 * What the cluster side does next for one deployment, decided from its row alone (and, for a
 * placed one, whether its node is up), without touching anything; cluster-sync.ts performs it.
 * The cluster side places and hands over; everything that touches a server is the node side's.
 */
export type ClusterAction =
  /** Nothing to do until something changes. */
  | { kind: 'done' }
  /** Placed on a node that is up: that node's worker does the rest. */
  | { kind: 'hand-to-node' }
  /** Not on any node and to be deleted: to `deleting`, its output forgotten, to `deleted`. */
  | { kind: 'delete' }
  /** Not on any node and to be stopped: `stopped`. */
  | { kind: 'to-stopped' }
  /** Back to `pending`, with no node, to be placed (again). */
  | { kind: 'to-pending'; message: string }
  /** Pending: check what it asks, then find it a node. */
  | { kind: 'place' };

export interface ClusterFacts {
  status: DeploymentStatus;
  /** 0: it may sleep, and stays asleep until a request wants it. */
  replicasMin: number;
  desiredState: DesiredState;
  generation: number;
  deployStep: string | null;
  nodeId: string | null;
}

/**
 * `nodeReady`: its node (when placed) is up. `wakeWanted`: a request waits for it (read only for a
 * sleeping deployment).
 */
export function decideInCluster(row: ClusterFacts, nodeReady: boolean, wakeWanted = false): ClusterAction {
  if (row.status === 'deleted') return { kind: 'done' };
  // An unreachable node's deployments are moved by the cluster reconcile; its queue has nobody to serve it.
  if (row.nodeId !== null) return nodeReady ? { kind: 'hand-to-node' } : { kind: 'done' };
  if (row.desiredState === 'deleted') return { kind: 'delete' };

  if (row.desiredState === 'stopped') {
    if (row.status === 'stopped' || row.status === 'deleting') return { kind: 'done' };
    if (row.status === 'pending' || row.status === 'failed' || row.status === 'stopping' || row.status === 'sleeping') return { kind: 'to-stopped' };
    // A live status with no node (its node was lost mid-update): back to pending, then stopped.
    return { kind: 'to-pending', message: 'no longer placed on any node' };
  }

  // desired: running
  switch (row.status) {
    case 'pending':
      return { kind: 'place' };
    case 'failed':
      // Failed stays failed for this generation; a restart or a settings change (new generation) tries again.
      return failedAtCurrentGeneration(row) ? { kind: 'done' } : { kind: 'to-pending', message: `retrying for generation ${row.generation}` };
    case 'stopped':
      return { kind: 'to-pending', message: 'starting' };
    case 'sleeping':
      if (wakeWanted) return { kind: 'to-pending', message: 'waking: a request is waiting for it' };
      return row.replicasMin > 0 ? { kind: 'to-pending', message: 'waking: replicas.min is above 0' } : { kind: 'done' };
    // Stopped on no node: settled first, then started afresh.
    case 'stopping':
      return { kind: 'to-stopped' };
    case 'deleting':
      return { kind: 'done' };
    default:
      return { kind: 'to-pending', message: 'no longer placed on any node; placing it again' };
  }
}
