import type { WorkerContext } from '../context';
import { applyTransition, noteDeployment } from '../deployments/apply-transition';

/** serversOnShutdown = stop: the node's servers go with the worker; their deployments wait in `starting` for the next one. */
export async function stopServers(ctx: WorkerContext): Promise<void> {
  const message = `llama-server stopped with the worker of node ${ctx.node.name}; it starts again when the worker does`;
  for (const server of await ctx.runtime.list()) {
    if (server.state === 'running') await ctx.runtime.stop(server.handle, ctx.timing.stopTimeoutMs);
    await ctx.logs.drain(server, 1_000);
    await ctx.runtime.remove(server.handle);
  }
  const placed = await ctx.db.deployment.findMany({ where: { nodeId: ctx.node.id, status: { in: ['running', 'starting'] } }, select: { id: true, status: true, generation: true } });
  for (const d of placed) {
    if (d.status === 'running') {
      await applyTransition(ctx, { deploymentId: d.id, from: 'running', to: 'starting', message, generation: d.generation, set: { upstreamUrl: null } });
    } else {
      await noteDeployment(ctx, { deploymentId: d.id, type: 'server', message, status: 'starting', generation: d.generation });
    }
  }
  ctx.logger.info({ deployments: placed.length }, 'stopped the node\'s servers with the worker');
}
