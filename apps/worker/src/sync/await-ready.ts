import { setTimeout as sleep } from 'node:timers/promises';
import type { Deployment } from '@gguf/db';
import { probeHealth, type ServerInfo } from '@gguf/runtime';
import type { WorkerContext } from '../context';
import { applyTransition, step } from '../deployments/apply-transition';
import { explainExit, startFailed } from './crash';
import { AGAIN, DONE, HANDBACK, type Outcome } from './outcome';

/**
 * The longest gap between two /health probes. Every gap is time a caller held by a wake waits for
 * nothing (bench/wake.ts measured up to a second at a 1 s cap); a probe llama-server answers 503
 * while it loads costs it next to nothing.
 */
const MAX_PROBE_GAP_MS = 250;

/**
 * Polls llama-server's /health until 200 (503 while it loads the model, no answer while it
 * downloads it), watching meanwhile that the server is still alive and that nobody changed the
 * deployment (a stop or restart must not wait for a 20-minute download to finish).
 */
export async function awaitReady(ctx: WorkerContext, row: Deployment, server: ServerInfo, signal: AbortSignal): Promise<Outcome> {
  const url = `http://${ctx.node.address}:${row.port}`;
  const serverStartedAt = server.startedAt?.getTime() ?? Date.now();
  const deadline = serverStartedAt + ctx.timing.readyTimeoutMs;
  let delay = 25;
  let lastCheck = Date.now();
  for (;;) {
    if (signal.aborted) return HANDBACK;
    const health = await probeHealth(url, 2_000);
    if (health === 'ready') {
      const readyAt = new Date();
      const ok = await applyTransition(ctx, {
        deploymentId: row.id,
        from: 'starting',
        to: 'running',
        message: 'running',
        generation: row.generation,
        set: { upstreamUrl: url, readyAt, deployStep: step(row.generation, 'ready'), runtimeHandle: server.handle },
        data: { upstreamUrl: url, serverStartedAt: new Date(serverStartedAt).toISOString(), serverReadyAt: readyAt.toISOString(), loadMs: readyAt.getTime() - serverStartedAt },
      });
      return ok ? DONE : AGAIN;
    }
    if (Date.now() - lastCheck >= 500) {
      lastCheck = Date.now();
      const now = await ctx.runtime.inspect(server.handle);
      if (!now || now.state !== 'running') return startFailed(ctx, row, now);
      const fresh = await ctx.db.deployment.findUnique({ where: { id: row.id }, select: { status: true, desiredState: true, generation: true, nodeId: true } });
      if (!fresh || fresh.status !== 'starting' || fresh.desiredState !== 'running' || fresh.generation !== row.generation || fresh.nodeId !== ctx.node.id) return AGAIN;
      if (Date.now() > deadline) {
        const minutes = Math.round(ctx.timing.readyTimeoutMs / 60_000);
        const exit = await explainExit(ctx, now);
        const tail = exit.reason === 'crashed' ? '' : ` (last output: ${exit.message})`;
        return startFailed(ctx, row, now, {
          reason: 'ready_timeout',
          message: `llama-server was not ready after ${minutes >= 1 ? `${minutes} min` : `${Math.round(ctx.timing.readyTimeoutMs / 1000)}s`}${tail}`,
        });
      }
    }
    await sleep(delay, undefined, { signal }).catch(() => undefined);
    delay = Math.min(MAX_PROBE_GAP_MS, Math.round(delay * 1.3));
  }
}
