import { iso } from '../shared/fields';
import type { ReplicaServerRow, Replicas } from './load-replicas';
import type { AdminReplicaServerObject, ReplicaServerObject } from './schemas';

/**
 * A server's in-flight requests over every gateway, as they last reported them (a server without any, even one not
 * serving, has 0); null when Redis could not be read.
 */
function inflightOn(server: ReplicaServerRow, replicas: Replicas): number | null {
  return replicas.serverInflight === null ? null : (replicas.serverInflight.get(server.id) ?? 0);
}

function serverObject(server: ReplicaServerRow, replicas: Replicas): Omit<ReplicaServerObject, 'node'> {
  return { id: server.id, status: server.status, inflight: inflightOn(server, replicas), restarts: server.restartCount, ready_at: iso(server.readyAt) };
}

/** For the organization: the node's name only (nodes are the platform's; their ids and addresses are not the tenant's business). */
export function serializeReplicaServers(replicas: Replicas): ReplicaServerObject[] {
  return replicas.servers.map((server) => ({ ...serverObject(server, replicas), node: { name: server.node.name } }));
}

/** For operators: the node's id too, to find it in the admin API. */
export function serializeAdminReplicaServers(replicas: Replicas): AdminReplicaServerObject[] {
  return replicas.servers.map((server) => ({ ...serverObject(server, replicas), node: { id: server.node.id, name: server.node.name } }));
}
