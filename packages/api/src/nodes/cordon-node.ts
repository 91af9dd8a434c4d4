import { writeAuditLog } from '../audit/write-audit-log';
import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { findNode } from './find-node';
import type { NodeObject } from './schemas';
import { NODE_INCLUDE, serializeNode } from './serialize-node';

/**
 * Cordoning keeps new deployments off a node and leaves running ones alone. Uncordoning also ends a
 * drain, so the node takes work again.
 */
export async function setNodeCordoned(deps: ApiDeps, scope: AdminScope, id: string, cordoned: boolean): Promise<NodeObject> {
  const row = await deps.db.$transaction(async (tx) => {
    await findNode(tx, id);
    const updated = await tx.node.update({ where: { id }, data: { cordoned, ...(cordoned ? {} : { drainingAt: null }) }, include: NODE_INCLUDE });
    await writeAuditLog(tx, { ...scope, orgId: null, action: cordoned ? 'node.cordon' : 'node.uncordon', targetType: 'node', targetId: id });
    return updated;
  });
  return serializeNode(row);
}
