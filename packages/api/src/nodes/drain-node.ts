import { writeAuditLog } from '../audit/write-audit-log';
import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { announceDeployment } from '../deployments/announce-deployment';
import { LIVE_DEPLOYMENT } from '../deployments/find-deployment';
import { findNode } from './find-node';
import type { NodeObject } from './schemas';
import { NODE_INCLUDE, serializeNode } from './serialize-node';

/**
 * Cordons the node and moves its deployments away: each gets a new generation, so the worker
 * places it again (never on a cordoned node) and retires the old server.
 */
export async function drainNode(deps: ApiDeps, scope: AdminScope, id: string): Promise<NodeObject> {
  const { row, moved } = await deps.db.$transaction(async (tx) => {
    await findNode(tx, id);
    const updated = await tx.node.update({ where: { id }, data: { cordoned: true, drainingAt: new Date() }, include: NODE_INCLUDE });
    const placed = await tx.deployment.findMany({ where: { nodeId: id, ...LIVE_DEPLOYMENT }, select: { id: true } });
    const moved = [];
    for (const { id: deploymentId } of placed) {
      const d = await tx.deployment.update({ where: { id: deploymentId }, data: { generation: { increment: 1 } }, select: { id: true, generation: true, desiredState: true } });
      await tx.deploymentEvent.create({ data: { deploymentId, type: 'api', message: 'Node drained; moving to another node', data: { node_id: id, generation: d.generation } } });
      moved.push(d);
    }
    await writeAuditLog(tx, { ...scope, orgId: null, action: 'node.drain', targetType: 'node', targetId: id, details: { deployments: moved.map((d) => d.id) } });
    return { row: updated, moved };
  });
  for (const d of moved) await announceDeployment(deps, { id: d.id, generation: d.generation, desiredState: d.desiredState, reason: 'node drained' });
  return serializeNode(row);
}
