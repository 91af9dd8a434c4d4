import type { WorkerContext } from '../context';
import { changeServer } from '../deployments/apply-transition';

/** serversOnShutdown = stop: the node's servers go with the worker; they wait in `starting` for the next one. */
export async function stopServers(ctx: WorkerContext): Promise<void> {
  const message = `llama-server stopped with the worker of node ${ctx.node.name}; it starts again when the worker does`;
  for (const process of await ctx.runtime.list()) {
    if (process.state === 'running') await ctx.runtime.stop(process.handle, ctx.timing.stopTimeoutMs);
    await ctx.logs.drain(process, 1_000);
    await ctx.runtime.remove(process.handle);
  }
  const placed = await ctx.db.server.findMany({ where: { nodeId: ctx.node.id, status: { in: ['ready', 'starting'] } } });
  for (const server of placed) {
    await changeServer(ctx, { server, ...(server.status === 'ready' ? { to: 'starting' as const } : {}), message, set: { upstreamUrl: null }, event: { type: 'server', message } });
  }
  ctx.logger.info({ servers: placed.length }, "stopped the node's servers with the worker");
}
