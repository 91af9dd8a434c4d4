import type { DeploymentStatus, DesiredState } from '@gguf/core';
import type { DeploymentActivity } from '@gguf/redis';

/** A deployment's row, as far as deciding whether it sleeps needs it. */
export interface SleepFacts {
  status: DeploymentStatus;
  desiredState: DesiredState;
  replicasMin: number;
  scaleDownAfterS: number;
  readyAt: Date | null;
}

export interface Idle {
  /** Seconds since its last request (or since it became ready, when that is later). */
  idleSeconds: number;
}

/**
 * Whether a deployment goes to sleep now: only one that may (`replicas.min` 0), is running as
 * wished, has no request in flight on any gateway, and has had none for `scale_down_after_s`.
 * A deployment that just woke counts its idle time from when it became ready, so it is not put
 * back to sleep before its first request arrives.
 */
export function decideSleep(row: SleepFacts, activity: DeploymentActivity, now: number): Idle | undefined {
  if (row.replicasMin !== 0 || row.desiredState !== 'running' || row.status !== 'running') return undefined;
  if (activity.inflight > 0) return undefined;
  const since = Math.max(activity.lastRequestAt ?? 0, row.readyAt?.getTime() ?? now);
  const idleMs = now - since;
  return idleMs >= row.scaleDownAfterS * 1000 ? { idleSeconds: Math.floor(idleMs / 1000) } : undefined;
}
