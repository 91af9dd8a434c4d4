import type { GpuAllocation, Node, NodeGpu } from '@gguf/db';
import { iso } from '../shared/fields';
import { nodeIsolation } from './node-isolation';
import { libraryOf } from './node-library';
import type { NodeObject } from './schemas';

export const NODE_INCLUDE = {
  gpus: { include: { allocation: { include: { server: { select: { deploymentId: true } } } } }, orderBy: { index: 'asc' } },
  _count: { select: { servers: true } },
} as const;

type NodeRow = Node & {
  gpus: (NodeGpu & { allocation: (GpuAllocation & { server: { deploymentId: string } }) | null })[];
  _count: { servers: number };
};

/** dockerTls holds a private key: only whether it is set is ever shown. */
export function serializeNode(row: NodeRow): NodeObject {
  return {
    id: row.id,
    name: row.name,
    runtime_kind: row.runtimeKind,
    docker_endpoint: row.dockerEndpoint,
    docker_tls: row.dockerTls !== null,
    address: row.address,
    network_mode: row.networkMode,
    isolation: nodeIsolation(row),
    port_range: { start: row.portRangeStart, end: row.portRangeEnd },
    cpu_slots: row.cpuSlots,
    cpu_cores: row.cpuCores,
    library: libraryOf(row.library),
    status: row.status,
    cordoned: row.cordoned,
    draining_at: iso(row.drainingAt),
    heartbeat_at: iso(row.heartbeatAt),
    servers: row._count.servers,
    gpus: row.gpus.map((g) => ({
      index: g.index,
      type: g.type,
      memory_mb: g.memoryMb,
      uuid: g.uuid,
      server_id: g.allocation?.serverId ?? null,
      deployment_id: g.allocation?.server.deploymentId ?? null,
    })),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
