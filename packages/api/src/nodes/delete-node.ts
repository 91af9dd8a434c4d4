import { writeAuditLog } from '../audit/write-audit-log';
import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import { findNode } from './find-node';

/** Forgets a node, but only once nothing is placed on it: drain it first. */
export async function deleteNode(deps: ApiDeps, scope: AdminScope, id: string): Promise<{ id: string; deleted: true }> {
  await deps.db.$transaction(async (tx) => {
    await findNode(tx, id);
    const placed = await tx.deployment.count({ where: { nodeId: id, status: { not: 'deleted' } } });
    const allocated = await tx.gpuAllocation.count({ where: { nodeId: id } });
    if (placed > 0 || allocated > 0) {
      throw new ApiError('conflict', `The node still hosts ${placed} deployment(s); drain it and wait for them to move before deleting it.`);
    }
    await tx.node.delete({ where: { id } });
    await writeAuditLog(tx, { ...scope, orgId: null, action: 'node.delete', targetType: 'node', targetId: id });
  });
  return { id, deleted: true };
}
