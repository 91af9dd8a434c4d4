import type { DeploymentRecord } from '../auth/directory';

/** Statuses of a deployment on its way up: after a wake (sleeping → pending → … → running) or a restart. */
const COMING_UP_STATUSES = new Set(['pending', 'scheduling', 'pulling', 'starting']);

export type WakeDecision = 'forward' | 'hold' | 'refuse';

type Route = Pick<DeploymentRecord, 'status' | 'upstreamUrl' | 'replicasMin' | 'desiredState' | 'readyAt'>;

/**
 * What a request to this deployment does: go through (running with an upstream that is not ejected), wait for it,
 * or be refused as not running. A new request is held by a sleeping deployment, by a scale-to-zero one that a
 * wake is bringing up, and by one that has served before and is coming back (a restart after a crash: `readyAt`
 * is set), or whose only upstream just failed (`upstreamEjected`, see failover/). A deployment that never served
 * (a new one still pulling its model) refuses at once. A request already held waits on while the deployment is
 * on its way up and still wanted running, or running until its address is known or usable again; stopped,
 * failed or stopping ends the wait.
 */
export function wakeDecision(deployment: Route, alreadyHeld: boolean, upstreamEjected = false): WakeDecision {
  if (deployment.status === 'running') {
    if (deployment.upstreamUrl === null) return alreadyHeld ? 'hold' : 'refuse';
    return upstreamEjected ? 'hold' : 'forward';
  }
  if (deployment.status === 'sleeping' && (!alreadyHeld || deployment.desiredState === 'running')) return 'hold';
  const wanted = deployment.desiredState === 'running' && (alreadyHeld || deployment.replicasMin === 0 || deployment.readyAt !== null);
  return wanted && COMING_UP_STATUSES.has(deployment.status) ? 'hold' : 'refuse';
}
