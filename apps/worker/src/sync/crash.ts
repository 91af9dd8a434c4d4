import { backoffDelay } from '@gguf/core';
import { diagnose, type ServerInfo } from '@gguf/runtime';
import type { WorkerContext } from '../context';
import { changeServer } from '../deployments/apply-transition';
import { movePort } from './move-port';
import { AGAIN, type Outcome } from './outcome';
import { fail, removeProcesses } from './remove-server';
import { guardOf, type ServerRun } from './server-run';

export interface ExitExplanation {
  reason: string;
  message: string;
  exitCode?: number | null;
}

/** Why a process stopped, from its last output lines. */
export async function explainExit(ctx: WorkerContext, process: ServerInfo | undefined): Promise<ExitExplanation> {
  if (!process) return { reason: 'crashed', message: 'the server disappeared from the node' };
  if (process.oomKilled) return { reason: 'out_of_memory', message: 'killed for exceeding its memory limit', exitCode: process.exitCode };
  const lines = await ctx.runtime.tail(process.handle, 60).catch(() => []);
  const diagnosis = diagnose(lines, { exitCode: process.exitCode });
  return { ...diagnosis, exitCode: process.exitCode };
}

/**
 * A server's process of the current generation died: count it and restart after a jittered
 * exponential backoff, or give up once it is crash-looping. A server that ran for a long while
 * before dying starts a fresh count.
 */
export async function recordCrash(ctx: WorkerContext, run: ServerRun, process: ServerInfo | undefined, explanation?: ExitExplanation): Promise<Outcome> {
  const { server } = run;
  const exit = explanation ?? (await explainExit(ctx, process));
  if (process) {
    await ctx.logs.drain(process, 2_000);
    await ctx.runtime.remove(process.handle);
  }
  const ranLong = server.readyAt !== null && Date.now() - server.readyAt.getTime() > ctx.timing.crashResetAfterMs;
  const count = (ranLong ? 0 : server.restartCount) + 1;
  const data = { reason: exit.reason, exitCode: exit.exitCode ?? null, restartCount: count, serverId: server.id };
  if (count > ctx.timing.crashLoopLimit) {
    return fail(ctx, run, `crash loop: llama-server failed ${count} times in a row; last: ${exit.message}`, data);
  }
  const delay = backoffDelay(count, ctx.timing.restartBackoffMs, ctx.timing.restartBackoffMaxMs);
  const message = `llama-server stopped (${exit.message}); restarting in ${Math.max(1, Math.round(delay / 1000))}s (restart ${count} of at most ${ctx.timing.crashLoopLimit})`;
  // Already `starting` (it died while restarting): the exit is noted without a status change.
  const ok = await changeServer(ctx, {
    server: guardOf(server),
    ...(server.status === 'starting' ? {} : { to: 'starting' as const }),
    message,
    set: { restartCount: count, lastExitAt: new Date(), upstreamUrl: null },
    event: { type: 'exit', message: server.status === 'starting' ? message : exit.message, data },
    data,
  });
  if (!ok) return AGAIN;
  ctx.logger.warn({ deploymentId: server.deploymentId, serverId: server.id, restart: count, delayMs: delay, reason: exit.reason }, 'llama-server stopped; restarting after backoff');
  return { kind: 'delay', ms: delay, why: 'restart backoff' };
}

/** The server's process of this generation exited before it became ready. */
export async function startFailed(ctx: WorkerContext, run: ServerRun, process: ServerInfo | undefined, explanation?: ExitExplanation): Promise<Outcome> {
  const exit = explanation ?? (await explainExit(ctx, process));
  if (exit.reason === 'port_in_use') {
    // Not the server's fault: it goes, and the next one starts on another port.
    if (process) await removeProcesses(ctx, [process]);
    return movePort(ctx, run);
  }
  // Restarting after a crash: another failure is part of the same crash loop.
  if (run.server.restartCount > 0) return recordCrash(ctx, run, process, exit);
  if (process) await ctx.logs.drain(process, 2_000);
  return fail(ctx, run, exit.message, { reason: exit.reason, exitCode: exit.exitCode ?? null });
}
