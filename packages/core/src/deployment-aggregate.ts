import type { DeploymentStatus, DesiredState } from './deployment-state';
import type { ServerStatus } from './server-state';

/** What a deployment's status is derived from: what its owner asked for, and how far its servers got. */
export interface AggregateFacts {
  desiredState: DesiredState;
  generation: number;
  /** The generation at which it could not run; it stays failed until the generation changes. */
  failedGeneration: number | null;
  /** How many servers the cluster side aims at: 0 while asleep (scaled to zero). */
  replicasWanted: number;
  /** The statuses of its servers, on every node. */
  servers: readonly ServerStatus[];
}

/** The further a server got, the more it says about its deployment. */
const PROGRESS: readonly [ServerStatus, DeploymentStatus][] = [
  ['ready', 'running'],
  ['starting', 'starting'],
  ['pulling', 'pulling'],
  ['placed', 'scheduling'],
];

/**
 * A deployment's status, derived from its servers: `running` while at least one is ready, else
 * after the most advanced one. The worker writes it in the same transaction as every server
 * change, so it never disagrees with the servers. `deleted` is not derived: the cluster side
 * finishes a delete (its output forgotten) and writes it.
 */
export function aggregateStatus(facts: AggregateFacts): DeploymentStatus {
  if (facts.desiredState === 'deleted') return 'deleting';
  if (facts.desiredState === 'stopped') return facts.servers.length > 0 ? 'stopping' : 'stopped';
  if (facts.failedGeneration === facts.generation) return 'failed';
  // Asleep, even while its servers finish the requests admitted before it fell asleep.
  if (facts.replicasWanted === 0) return 'sleeping';
  for (const [server, deployment] of PROGRESS) if (facts.servers.includes(server)) return deployment;
  // No server, or only servers on their way out: to be placed.
  return 'pending';
}
