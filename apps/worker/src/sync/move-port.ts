import type { WorkerContext } from '../context';
import { changeServer } from '../deployments/apply-transition';
import { AGAIN, type Outcome } from './outcome';
import { fail } from './remove-server';
import { guardOf, type ServerRun } from './server-run';

/**
 * Something outside GGUF Cloud holds the server's port (a program on the node, or a client's
 * ephemeral port): take another one from the node's range. Reached before a start when the runtime
 * can tell, and after a start that could not bind when it cannot (a remote engine's ports are only
 * known to the engine's host).
 */
export async function movePort(ctx: WorkerContext, run: ServerRun): Promise<Outcome> {
  const { server } = run;
  const node = await ctx.db.node.findUniqueOrThrow({ where: { id: ctx.node.id } });
  const taken = new Set((await ctx.db.server.findMany({ where: { nodeId: node.id }, select: { port: true } })).map((s) => s.port));
  for (let port = node.portRangeStart; port <= node.portRangeEnd; port++) {
    if (taken.has(port) || port === server.port) continue;
    if ((await ctx.runtime.portAvailable(port)) === false) continue;
    try {
      const message = `port ${server.port} is in use by another program on the node; using port ${port}`;
      const moved = await changeServer(ctx, { server: guardOf(server), message, set: { port }, event: { type: 'port', message } });
      if (moved) ctx.logger.warn({ deploymentId: server.deploymentId, serverId: server.id, from: server.port, to: port }, 'allocated port was in use; moved');
      return AGAIN;
    } catch (error) {
      // Another server took that port meanwhile (unique node/port): try the next one.
      if ((error as { code?: string }).code === 'P2002') continue;
      throw error;
    }
  }
  return fail(ctx, run, `no free port left in ${node.portRangeStart}-${node.portRangeEnd} on node ${node.name}`, { reason: 'port_in_use' });
}
