import { newId, SECRET_COLUMNS, secretLocation } from '@gguf/core';
import { writeAuditLog } from '../audit/write-audit-log';
import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import type { NodeObject, RegisterNodeInput } from './schemas';
import { NODE_INCLUDE, serializeNode } from './serialize-node';

/** Records a remote Docker node. The API never dials it; the worker connects and heartbeats. */
export async function registerNode(deps: ApiDeps, scope: AdminScope, input: RegisterNodeInput): Promise<NodeObject> {
  const id = newId('node');
  const row = await deps.db.$transaction(async (tx) => {
    if (await tx.node.findUnique({ where: { name: input.name }, select: { id: true } })) throw new ApiError('conflict', `A node named '${input.name}' exists.`, 'name');
    const created = await tx.node.create({
      data: {
        id,
        name: input.name,
        runtimeKind: 'docker',
        dockerEndpoint: input.docker_endpoint,
        // The client key is root on that engine: sealed, and opened only by the worker that serves the node.
        dockerTls: input.docker_tls ? deps.secrets.seal(JSON.stringify(input.docker_tls), secretLocation(SECRET_COLUMNS.nodeDockerTls, id)) : null,
        address: input.address,
        networkMode: input.network_mode,
        portRangeStart: input.port_range.start,
        portRangeEnd: input.port_range.end,
        cpuSlots: input.cpu_slots,
        // Unreachable until the worker has connected to it once.
        status: 'unreachable',
        gpus: { create: input.gpus.map((g) => ({ index: g.index, type: g.type, memoryMb: g.memory_mb, uuid: g.uuid ?? null })) },
      },
      include: NODE_INCLUDE,
    });
    await writeAuditLog(tx, {
      ...scope,
      orgId: null,
      action: 'node.register',
      targetType: 'node',
      targetId: id,
      details: { name: input.name, docker_endpoint: input.docker_endpoint, address: input.address, gpus: input.gpus.length },
    });
    return created;
  });
  return serializeNode(row);
}
