import type { DeploymentRecord } from '../auth/directory';

/** Statuses of a deployment on its way up after a wake (sleeping → pending → … → running). */
const WAKING_STATUSES = new Set(['pending', 'scheduling', 'pulling', 'starting']);

export type WakeDecision = 'forward' | 'hold' | 'refuse';

type Route = Pick<DeploymentRecord, 'status' | 'upstreamUrl' | 'replicasMin' | 'desiredState'>;

/**
 * What a request to this deployment does: go through (running with an upstream), wait for it to wake, or be
 * refused as not running. A new request is held by a sleeping deployment, or by a scale-to-zero one that a wake
 * is bringing up. A request already held waits on while the deployment is on its way up and still wanted
 * running (its `replicas.min` may have changed meanwhile), or running until its address is known; stopped, failed or stopping ends the wait.
 */
export function wakeDecision(deployment: Route, alreadyHeld: boolean): WakeDecision {
  if (deployment.status === 'running') return deployment.upstreamUrl !== null ? 'forward' : alreadyHeld ? 'hold' : 'refuse';
  if (deployment.status === 'sleeping' && (!alreadyHeld || deployment.desiredState === 'running')) return 'hold';
  const wanted = deployment.desiredState === 'running' && (alreadyHeld || deployment.replicasMin === 0);
  return wanted && WAKING_STATUSES.has(deployment.status) ? 'hold' : 'refuse';
}
