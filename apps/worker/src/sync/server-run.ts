import type { Deployment, Server } from '@gguf/db';
import type { ServerGuard } from '../deployments/apply-transition';

/** One server on this node and its deployment, as the node side read them for one step. */
export interface ServerRun {
  server: Server;
  dep: Deployment;
}

/** The compare-and-set guard of a server as it was read. */
export function guardOf(server: Server): ServerGuard {
  return { id: server.id, deploymentId: server.deploymentId, status: server.status, generation: server.generation };
}
