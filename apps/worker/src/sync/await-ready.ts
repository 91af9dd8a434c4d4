import { setTimeout as sleep } from 'node:timers/promises';
import { probeHealth, type ServerInfo } from '@gguf/runtime';
import type { WorkerContext } from '../context';
import { changeServer } from '../deployments/apply-transition';
import { explainExit, startFailed } from './crash';
import { AGAIN, DONE, HANDBACK, type Outcome } from './outcome';
import { guardOf, type ServerRun } from './server-run';

/**
 * The longest gap between two /health probes. Every gap is time a caller held by a wake waits for
 * nothing (bench/wake.ts measured up to a second at a 1 s cap); a probe llama-server answers 503
 * while it loads costs it next to nothing.
 */
const MAX_PROBE_GAP_MS = 250;

/**
 * Polls llama-server's /health until 200 (503 while it loads the model, no answer while it
 * downloads it), watching meanwhile that its process is still alive and that nobody changed the
 * server or its deployment (a stop or restart must not wait for a 20-minute download to finish).
 */
export async function awaitReady(ctx: WorkerContext, run: ServerRun, process: ServerInfo, signal: AbortSignal): Promise<Outcome> {
  const { server, dep } = run;
  const url = `http://${ctx.node.address}:${server.port}`;
  const serverStartedAt = process.startedAt?.getTime() ?? Date.now();
  const deadline = serverStartedAt + ctx.timing.readyTimeoutMs;
  let delay = 25;
  let lastCheck = Date.now();
  for (;;) {
    if (signal.aborted) return HANDBACK;
    const health = await probeHealth(url, 2_000);
    if (health === 'ready') {
      const readyAt = new Date();
      const ok = await changeServer(ctx, {
        server: guardOf(server),
        to: 'ready',
        message: 'running',
        set: { upstreamUrl: url, readyAt, runtimeHandle: process.handle },
        deployment: { readyAt },
        data: { serverId: server.id, upstreamUrl: url, serverStartedAt: new Date(serverStartedAt).toISOString(), serverReadyAt: readyAt.toISOString(), loadMs: readyAt.getTime() - serverStartedAt },
      });
      return ok ? DONE : AGAIN;
    }
    if (Date.now() - lastCheck >= 500) {
      lastCheck = Date.now();
      const now = await ctx.runtime.inspect(process.handle);
      if (!now || now.state !== 'running') return startFailed(ctx, run, now);
      const fresh = await ctx.db.server.findUnique({ where: { id: server.id }, select: { status: true, generation: true, port: true, deployment: { select: { desiredState: true, generation: true, replicasWanted: true } } } });
      if (!fresh || fresh.status !== 'starting' || fresh.generation !== server.generation || fresh.port !== server.port) return AGAIN;
      if (fresh.deployment.desiredState !== 'running' || fresh.deployment.generation !== dep.generation || fresh.deployment.replicasWanted === 0) return AGAIN;
      if (Date.now() > deadline) {
        const minutes = Math.round(ctx.timing.readyTimeoutMs / 60_000);
        const exit = await explainExit(ctx, now);
        const tail = exit.reason === 'crashed' ? '' : ` (last output: ${exit.message})`;
        return startFailed(ctx, run, now, {
          reason: 'ready_timeout',
          message: `llama-server was not ready after ${minutes >= 1 ? `${minutes} min` : `${Math.round(ctx.timing.readyTimeoutMs / 1000)}s`}${tail}`,
        });
      }
    }
    await sleep(delay, undefined, { signal }).catch(() => undefined);
    delay = Math.min(MAX_PROBE_GAP_MS, Math.round(delay * 1.3));
  }
}
