import { backoffFloor, type DeploymentStatus, type DesiredState, holdsResources } from '@gguf/core';
import { stepOf } from '../deployments/apply-transition';

/**
 * What the node side does next for one deployment placed on this node, decided from what was
 * read (the deployment's row) and what was observed (its servers on the node), without touching
 * anything. node-sync.ts performs the action and asks again until the answer is `done`; because
 * the answer depends only on what is observed, a job retried after a worker died resumes where
 * the last one stopped. Read top to bottom, the rules are the node's lifecycle.
 */
export type NodeAction =
  /** Nothing to do until something changes. */
  | { kind: 'done' }
  /** desired deleted: to `deleting`, remove the servers and their files, to `deleted`. */
  | { kind: 'delete' }
  /** desired stopped, while something runs: to `stopping`, remove the servers, to `stopped`. */
  | { kind: 'stop' }
  /**
   * Sleeping (scaled to zero) while still placed here: `running` again when a request already waits
   * and its server still runs; else, once the requests admitted before it fell asleep are done,
   * its servers go and the node is given back (it stays `sleeping`).
   */
  | { kind: 'sleep' }
  /**
   * The deployment should not hold this node: remove its servers and free its port and GPUs,
   * moving it to `to` when given; `requeue` hands it back to the cluster side to be placed again.
   */
  | { kind: 'unplace'; to?: DeploymentStatus; requeue?: string; message?: string }
  /** It cannot run as configured at this generation. */
  | { kind: 'fail'; message: string; reason: string }
  /** A new generation: record that it starts with a clean slate (no restarts counted). */
  | { kind: 'begin-generation' }
  /** Servers of older generations run: remove them (a running deployment goes back to `starting`). */
  | { kind: 'remove-stale'; generations: number[] }
  /** Running, and its server runs: keep its port served and its output followed. */
  | { kind: 'keep' }
  /** Running, but its server is gone or dead: count the crash, restart after a backoff or give up. */
  | { kind: 'crashed' }
  /** The server of this generation exited before it became ready. */
  | { kind: 'start-failed' }
  /** A server of this generation runs while the status says it was not started yet (an earlier attempt started it): `starting`. */
  | { kind: 'adopt' }
  /** Starting, its server runs: wait until llama-server answers /health. */
  | { kind: 'await-ready' }
  /** Restarting after a crash, and the backoff is not over (even for a job that lost its delay). */
  | { kind: 'wait'; ms: number }
  /** Image and model onto the node (`pulling` while either comes over the network), then `starting`. */
  | { kind: 'pull' }
  /** Start llama-server, then wait until it is ready. */
  | { kind: 'launch' };

/** The deployment's row, as far as the decision needs it. */
export interface DeploymentFacts {
  status: DeploymentStatus;
  desiredState: DesiredState;
  generation: number;
  port: number | null;
  deployStep: string | null;
  restartCount: number;
  lastExitAt: Date | null;
}

/** What was observed on the node and derived from the row. */
export interface NodeObservation {
  /** This deployment's servers on the node. */
  servers: { generation: number; state: 'running' | 'exited' | 'created' }[];
  /** Why what the deployment asks cannot be run (its launch spec does not validate), if so. */
  invalid?: string;
  /** Whether the GPUs it holds on the node still match what it asks for. */
  allocationFits: boolean;
  now: number;
  restartBackoffMs: number;
  restartBackoffMaxMs: number;
}

export function decideOnNode(row: DeploymentFacts, seen: NodeObservation): NodeAction {
  if (row.status === 'deleted') return { kind: 'done' };
  if (row.desiredState === 'deleted') return { kind: 'delete' };
  if (row.desiredState === 'stopped') {
    // Placed here although in a status that holds nothing: only after a worker crashed mid-update. Free everything.
    if (!holdsResources(row.status) || row.status === 'sleeping') return { kind: 'unplace', to: 'stopped' };
    if (row.status === 'deleting') return { kind: 'unplace' };
    return { kind: 'stop' };
  }

  // desired: running
  if (row.status === 'sleeping') return { kind: 'sleep' };
  // Should not be placed in these statuses: free the node and let the cluster side decide.
  if (!holdsResources(row.status)) return { kind: 'unplace', requeue: 'released by node' };
  // Asked to run again while stopping: finish the stop; the cluster side then starts it afresh.
  if (row.status === 'stopping') return { kind: 'unplace', to: 'stopped', requeue: 'start after stop' };
  if (row.status === 'deleting') return { kind: 'done' };

  // scheduling | pulling | starting | running
  const replace = (message: string): NodeAction => ({ kind: 'unplace', to: 'pending', requeue: 'placing again', message });
  if (row.port === null) return replace('the deployment has no port on this node; placing it again');
  if (seen.invalid !== undefined) return { kind: 'fail', message: seen.invalid, reason: 'invalid_deployment' };
  if (!seen.allocationFits) return replace('the GPU request changed; placing the deployment again');
  if (stepOf(row.deployStep)?.generation !== row.generation) return { kind: 'begin-generation' };

  const stale = seen.servers.filter((s) => s.generation !== row.generation);
  if (stale.length > 0) return { kind: 'remove-stale', generations: stale.map((s) => s.generation) };

  const current = seen.servers.find((s) => s.generation === row.generation);
  if (row.status === 'running') return current?.state === 'running' ? { kind: 'keep' } : { kind: 'crashed' };
  if (current?.state === 'exited') return { kind: 'start-failed' };
  if (current?.state === 'running') return row.status === 'starting' ? { kind: 'await-ready' } : { kind: 'adopt' };

  // No server of this generation yet (or one created but never started).
  if (row.status === 'starting' && row.restartCount > 0 && row.lastExitAt) {
    const due = row.lastExitAt.getTime() + backoffFloor(row.restartCount, seen.restartBackoffMs, seen.restartBackoffMaxMs);
    if (seen.now < due) return { kind: 'wait', ms: due - seen.now };
  }
  return row.status === 'starting' ? { kind: 'launch' } : { kind: 'pull' };
}
