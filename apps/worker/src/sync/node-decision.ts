import { backoffFloor, type DesiredState, type ServerStatus } from '@gguf/core';

/**
 * What the node side does next for one server on this node, decided from what was read (the
 * server's row and its deployment's) and what was observed (its processes or containers), without
 * touching anything. node-sync.ts performs the action and asks again until the answer is `done`;
 * because the answer depends only on what is observed, a job retried after a worker died resumes
 * where the last one stopped. Read top to bottom, the rules are a server's lifecycle.
 */
export type NodeAction =
  /** Nothing to do until something changes. */
  | { kind: 'done' }
  /**
   * The server goes: its processes stopped, its output shipped, its row deleted (its port and GPUs
   * with it). `purge`: its deployment is deleted, so its files on the node go too; `requeue`: the
   * cluster side places a server again.
   */
  | { kind: 'remove'; message: string; purge?: boolean; requeue?: string }
  /** Its deployment fell asleep: once the requests admitted before are done, the server goes. */
  | { kind: 'sleep' }
  /** It cannot run as configured at this generation: the deployment fails, the server goes. */
  | { kind: 'fail'; message: string; reason: string }
  /** A new generation (restart or settings change): processes of the old one go, restarts start from zero. */
  | { kind: 'renew' }
  /** Processes of other generations run: remove them. */
  | { kind: 'remove-stale'; generations: number[] }
  /** Ready, and its process runs: keep its port served and its output followed. */
  | { kind: 'keep' }
  /** Ready, but its process is gone or dead: count the crash, restart after a backoff or give up. */
  | { kind: 'crashed' }
  /** Its process exited before it became ready. */
  | { kind: 'start-failed' }
  /** Its process runs while the status says it was not started yet (an earlier attempt started it): `starting`. */
  | { kind: 'adopt' }
  /** Starting, its process runs: wait until llama-server answers /health. */
  | { kind: 'await-ready' }
  /** Restarting after a crash, and the backoff is not over (even for a job that lost its delay). */
  | { kind: 'wait'; ms: number }
  /** Image and model onto the node (`pulling` while either comes over the network), then `starting`. */
  | { kind: 'pull' }
  /** Start llama-server, then wait until it is ready. */
  | { kind: 'launch' };

/** The server's row, as far as the decision needs it. */
export interface ServerFacts {
  status: ServerStatus;
  generation: number;
  restartCount: number;
  lastExitAt: Date | null;
}

/** Its deployment's row, as far as the decision needs it. */
export interface DeploymentFacts {
  desiredState: DesiredState;
  generation: number;
  failedGeneration: number | null;
  /** 0: asleep (scaled to zero). */
  replicasWanted: number;
}

/** What was observed on the node and derived from the rows. */
export interface NodeObservation {
  /** This server's processes on the node (one per generation started). */
  processes: { generation: number; state: 'running' | 'exited' | 'created' }[];
  /** Why what the deployment asks cannot be run (its launch spec does not validate), if so. */
  invalid?: string;
  /** Whether the GPUs the server holds still match what the deployment asks for. */
  allocationFits: boolean;
  now: number;
  restartBackoffMs: number;
  restartBackoffMaxMs: number;
}

export function decideOnServer(server: ServerFacts, deployment: DeploymentFacts, seen: NodeObservation): NodeAction {
  if (deployment.desiredState === 'deleted') return { kind: 'remove', message: 'deleting', purge: true };
  if (deployment.desiredState === 'stopped') return { kind: 'remove', message: 'stopping' };
  // Marked by the cluster side: scaled down, or replaced.
  if (server.status === 'stopping') return { kind: 'remove', message: 'server removed' };
  if (deployment.failedGeneration === deployment.generation) return { kind: 'remove', message: 'the deployment failed' };
  if (deployment.replicasWanted === 0) return { kind: 'sleep' };
  if (seen.invalid !== undefined) return { kind: 'fail', message: seen.invalid, reason: 'invalid_deployment' };
  if (!seen.allocationFits) return { kind: 'remove', message: 'the GPU request changed; placing the server again', requeue: 'placing again' };
  if (server.generation !== deployment.generation) return { kind: 'renew' };

  const stale = seen.processes.filter((p) => p.generation !== server.generation);
  if (stale.length > 0) return { kind: 'remove-stale', generations: stale.map((p) => p.generation) };

  const current = seen.processes[0];
  if (server.status === 'ready') return current?.state === 'running' ? { kind: 'keep' } : { kind: 'crashed' };
  if (current?.state === 'exited') return { kind: 'start-failed' };
  if (current?.state === 'running') return server.status === 'starting' ? { kind: 'await-ready' } : { kind: 'adopt' };

  // No process of this generation yet (or one created but never started).
  if (server.status === 'starting' && server.restartCount > 0 && server.lastExitAt) {
    const due = server.lastExitAt.getTime() + backoffFloor(server.restartCount, seen.restartBackoffMs, seen.restartBackoffMaxMs);
    if (seen.now < due) return { kind: 'wait', ms: due - seen.now };
  }
  return server.status === 'starting' ? { kind: 'launch' } : { kind: 'pull' };
}
