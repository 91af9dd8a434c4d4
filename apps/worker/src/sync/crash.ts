import { backoffDelay } from '@gguf/core';
import type { Deployment } from '@gguf/db';
import { diagnose, type ServerInfo } from '@gguf/runtime';
import type { WorkerContext } from '../context';
import { applyTransition, noteDeployment, step, type Tx } from '../deployments/apply-transition';
import { fail, removeServers } from './leave-node';
import { movePort } from './move-port';
import { AGAIN, type Outcome } from './outcome';

export interface ExitExplanation {
  reason: string;
  message: string;
  exitCode?: number | null;
}

/** Why a server stopped, from its last output lines. */
export async function explainExit(ctx: WorkerContext, server: ServerInfo | undefined): Promise<ExitExplanation> {
  if (!server) return { reason: 'crashed', message: 'the server disappeared from the node' };
  if (server.oomKilled) return { reason: 'out_of_memory', message: 'killed for exceeding its memory limit', exitCode: server.exitCode };
  const lines = await ctx.runtime.tail(server.handle, 60).catch(() => []);
  const diagnosis = diagnose(lines, { exitCode: server.exitCode });
  return { ...diagnosis, exitCode: server.exitCode };
}

/**
 * A server of the current generation died: count it and restart after a jittered exponential
 * backoff, or give up once the deployment is crash-looping. A server that ran for a long while
 * before dying starts a fresh count.
 */
export async function recordCrash(ctx: WorkerContext, row: Deployment, server: ServerInfo | undefined, explanation?: ExitExplanation): Promise<Outcome> {
  const exit = explanation ?? (await explainExit(ctx, server));
  if (server) {
    await ctx.logs.drain(server, 2_000);
    await ctx.runtime.remove(server.handle);
  }
  const ranLong = row.readyAt !== null && Date.now() - row.readyAt.getTime() > ctx.timing.crashResetAfterMs;
  const count = (ranLong ? 0 : row.restartCount) + 1;
  const data = { reason: exit.reason, exitCode: exit.exitCode ?? null, restartCount: count };
  if (count > ctx.timing.crashLoopLimit) {
    return fail(ctx, row, `crash loop: llama-server failed ${count} times in a row; last: ${exit.message}`, data);
  }
  const delay = backoffDelay(count, ctx.timing.restartBackoffMs, ctx.timing.restartBackoffMaxMs);
  const message = `llama-server stopped (${exit.message}); restarting in ${Math.max(1, Math.round(delay / 1000))}s (restart ${count} of at most ${ctx.timing.crashLoopLimit})`;
  const set = { restartCount: count, lastExitAt: new Date(), upstreamUrl: null, deployStep: step(row.generation, 'crashed') };
  // Already `starting` (it died while restarting): the exit is noted without a status change.
  const ok =
    row.status === 'starting'
      ? await noteDeployment(ctx, { deploymentId: row.id, type: 'exit', message, data, status: 'starting', generation: row.generation, set })
      : await applyTransition(ctx, {
          deploymentId: row.id,
          from: row.status,
          to: 'starting',
          message,
          generation: row.generation,
          set,
          data,
          also: (tx: Tx) => tx.deploymentEvent.create({ data: { deploymentId: row.id, type: 'exit', message: exit.message, data } }).then(() => undefined),
        });
  if (!ok) return AGAIN;
  ctx.logger.warn({ deploymentId: row.id, restart: count, delayMs: delay, reason: exit.reason }, 'llama-server stopped; restarting after backoff');
  return { kind: 'delay', ms: delay, why: 'restart backoff' };
}

/** The server of this generation exited before it became ready. */
export async function startFailed(ctx: WorkerContext, row: Deployment, server: ServerInfo | undefined, explanation?: ExitExplanation): Promise<Outcome> {
  const exit = explanation ?? (await explainExit(ctx, server));
  if (exit.reason === 'port_in_use') {
    // Not the server's fault: it goes, and the next one starts on another port.
    if (server) await removeServers(ctx, [server]);
    return movePort(ctx, row);
  }
  // Restarting after a crash: another failure is part of the same crash loop.
  if (row.restartCount > 0) return recordCrash(ctx, row, server, exit);
  if (server) await ctx.logs.drain(server, 2_000);
  return fail(ctx, row, exit.message, { reason: exit.reason, exitCode: exit.exitCode ?? null });
}
