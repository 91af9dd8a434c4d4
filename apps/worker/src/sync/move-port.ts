import type { Deployment } from '@gguf/db';
import type { WorkerContext } from '../context';
import { noteDeployment } from '../deployments/apply-transition';

import { fail } from './leave-node';
import { AGAIN, type Outcome } from './outcome';

/**
 * Something outside GGUF Cloud holds the allocated port (a program on the node, or a client's
 * ephemeral port): take another one from the node's range. Reached before a start when the runtime
 * can tell, and after a start that could not bind when it cannot (a remote engine's ports are only
 * known to the engine's host).
 */
export async function movePort(ctx: WorkerContext, row: Deployment): Promise<Outcome> {
  const node = await ctx.db.node.findUniqueOrThrow({ where: { id: ctx.node.id } });
  const taken = new Set((await ctx.db.deployment.findMany({ where: { nodeId: node.id, port: { not: null } }, select: { port: true } })).map((d) => d.port));
  for (let port = node.portRangeStart; port <= node.portRangeEnd; port++) {
    if (taken.has(port) || port === row.port) continue;
    if ((await ctx.runtime.portAvailable(port)) === false) continue;
    try {
      const moved = await noteDeployment(ctx, {
        deploymentId: row.id,
        type: 'port',
        message: `port ${row.port} is in use by another program on the node; using port ${port}`,
        status: row.status,
        generation: row.generation,
        set: { port },
      });
      if (moved) ctx.logger.warn({ deploymentId: row.id, from: row.port, to: port }, 'allocated port was in use; moved');
      return AGAIN;
    } catch (error) {
      // Another deployment took that port meanwhile (unique node/port): try the next one.
      if ((error as { code?: string }).code === 'P2002') continue;
      throw error;
    }
  }
  return fail(ctx, row, `no free port left in ${node.portRangeStart}-${node.portRangeEnd} on node ${node.name}`, { reason: 'port_in_use' });
}
