import { writeAuditLog } from '../audit/write-audit-log';
import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import { findNode } from './find-node';

/**
 * Forgets a node, but only once no server is on it: drain it first. Deleting it would cascade to its
 * servers' rows (and free their GPUs) while their processes may still run there, unknown to anyone.
 */
export async function deleteNode(deps: ApiDeps, scope: AdminScope, id: string): Promise<{ id: string; deleted: true }> {
  await deps.db.$transaction(async (tx) => {
    await findNode(tx, id);
    // Locked: a server placed while this runs either counts here or fails on the missing node.
    await tx.$queryRaw`SELECT 1 FROM nodes WHERE id = ${id} FOR UPDATE`;
    const servers = await tx.server.count({ where: { nodeId: id } });
    if (servers > 0) {
      throw new ApiError('conflict', `The node still runs ${servers} server(s); drain it and wait for them to move before deleting it.`);
    }
    await tx.node.delete({ where: { id } });
    await writeAuditLog(tx, { ...scope, orgId: null, action: 'node.delete', targetType: 'node', targetId: id });
  });
  return { id, deleted: true };
}
