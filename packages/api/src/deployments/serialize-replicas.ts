import { iso } from '../shared/fields';
import type { ReplicaServerRow, Replicas } from './load-replicas';
import type { AdminReplicaServerObject, ReplicaServerObject } from './schemas';

/**
 * A server's in-flight requests. Gateways report them per deployment, not per server: with one server
 * ready, every request in flight is on it; with several, its share is unknown (null), and so is a
 * server's that is not serving.
 */
function inflightOn(server: ReplicaServerRow, replicas: Replicas): number | null {
  const ready = replicas.servers.filter((s) => s.status === 'ready');
  return ready.length === 1 && ready[0]!.id === server.id ? replicas.inflight : null;
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
