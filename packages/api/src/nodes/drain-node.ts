import { writeAuditLog } from '../audit/write-audit-log';
import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { announceDeployment } from '../deployments/announce-deployment';
import { LIVE_DEPLOYMENT } from '../deployments/find-deployment';
import { findNode } from './find-node';
import type { NodeObject } from './schemas';
import { NODE_INCLUDE, serializeNode } from './serialize-node';

/**
 * Cordons the node and marks it draining: the worker places nothing new there and moves the servers it runs
 * to other nodes. Their deployments keep their generation, so their servers elsewhere keep serving; each gets
 * a sync so the move starts now instead of at the worker's next pass.
 */
export async function drainNode(deps: ApiDeps, scope: AdminScope, id: string): Promise<NodeObject> {
  const { row, moved } = await deps.db.$transaction(async (tx) => {
    await findNode(tx, id);
    const updated = await tx.node.update({ where: { id }, data: { cordoned: true, drainingAt: new Date() }, include: NODE_INCLUDE });
    const moved = await tx.deployment.findMany({
      where: { servers: { some: { nodeId: id } }, ...LIVE_DEPLOYMENT },
      select: { id: true, generation: true, desiredState: true },
      orderBy: { id: 'asc' },
    });
    for (const d of moved) {
      await tx.deploymentEvent.create({ data: { deploymentId: d.id, type: 'api', message: `Node ${updated.name} drained; moving its server to another node`, data: { generation: d.generation } } });
    }
    await writeAuditLog(tx, { ...scope, orgId: null, action: 'node.drain', targetType: 'node', targetId: id, details: { deployments: moved.map((d) => d.id) } });
    return { row: updated, moved };
  });
  for (const d of moved) await announceDeployment(deps, { id: d.id, generation: d.generation, desiredState: d.desiredState, reason: 'node drained' });
  return serializeNode(row);
}
