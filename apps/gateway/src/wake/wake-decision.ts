import type { DeploymentRecord } from '../auth/directory';

/** Statuses of a deployment on its way up: after a wake (sleeping → pending → … → running) or a restart. */
const COMING_UP_STATUSES = new Set(['pending', 'scheduling', 'pulling', 'starting']);

export type WakeDecision = 'forward' | 'hold' | 'refuse';

type Route = Pick<DeploymentRecord, 'status' | 'upstreams' | 'replicasMin' | 'desiredState' | 'servedBefore'>;

/**
 * What a request to this deployment does: go through (running with a ready server that is not ejected), wait for
 * it, or be refused as not running. A new request is held by a sleeping deployment, by a scale-to-zero one that a
 * wake is bringing up, and by one that has served before and is coming back (a restart after a crash: one of its
 * servers was ready once), or whose every ready server just failed (`allEjected`, see failover/). A deployment
 * that never served (a new one still pulling its model) refuses at once. A request already held waits on while
 * the deployment is on its way up and still wanted running, or running until a server's address is known or
 * usable again; stopped, failed or stopping ends the wait.
 */
export function wakeDecision(deployment: Route, alreadyHeld: boolean, allEjected = false): WakeDecision {
  if (deployment.status === 'running') {
    if (deployment.upstreams.length === 0) return alreadyHeld ? 'hold' : 'refuse';
    return allEjected ? 'hold' : 'forward';
  }
  if (deployment.status === 'sleeping' && (!alreadyHeld || deployment.desiredState === 'running')) return 'hold';
  const wanted = deployment.desiredState === 'running' && (alreadyHeld || deployment.replicasMin === 0 || deployment.servedBefore);
  return wanted && COMING_UP_STATUSES.has(deployment.status) ? 'hold' : 'refuse';
}
