import type { WorkerContext } from '../context';
import { InvalidDeploymentError, launchSpecOf } from '../deployments/spec';
import { allocatedGpus, allocationFits } from '../scheduler/schedule';
import { awaitReady } from './await-ready';
import { adopt, launch, pull, removeStale, renew, serve } from './bring-up';
import { recordCrash, startFailed } from './crash';
import { fallAsleep } from './fall-asleep';
import { decideOnServer } from './node-decision';
import { DONE, type Outcome } from './outcome';
import { fail, removeServer } from './remove-server';

export interface SyncAttempt {
  /** The job will not be retried after this attempt: transient failures become final. */
  final: boolean;
}

/**
 * node.sync: makes one server on this node match what its deployment asks. Level-triggered: each
 * call reads the server, its deployment and its processes, asks node-decision.ts for the next step
 * and takes it; the job calls again until the answer is `done`. Because every step is decided from
 * what is observed (process labels, state files, the server's row), a job retried after a worker
 * died resumes where the last one stopped, and never starts a second process: they are named per
 * server and generation.
 */
export async function syncServer(ctx: WorkerContext, serverId: string, signal: AbortSignal, attempt: SyncAttempt = { final: false }): Promise<Outcome> {
  const row = await ctx.db.server.findUnique({ where: { id: serverId }, include: { deployment: true } });
  // Gone, or not on this node: this node's reconcile removes whatever is left of it here.
  if (!row || row.nodeId !== ctx.node.id) return DONE;
  const { deployment: dep, ...server } = row;
  const run = { server, dep };
  const processes = (await ctx.runtime.list()).filter((p) => p.serverId === serverId);
  const held = await allocatedGpus(ctx.db, serverId);
  let spec: ReturnType<typeof launchSpecOf> | undefined;
  let invalid: string | undefined;
  try {
    spec = launchSpecOf(dep);
  } catch (error) {
    if (!(error instanceof InvalidDeploymentError)) throw error;
    invalid = error.message;
  }

  const action = decideOnServer(server, dep, {
    processes,
    ...(invalid !== undefined ? { invalid } : {}),
    allocationFits: allocationFits(dep, held),
    now: Date.now(),
    restartBackoffMs: ctx.timing.restartBackoffMs,
    restartBackoffMaxMs: ctx.timing.restartBackoffMaxMs,
  });
  const current = processes.find((p) => p.generation === server.generation);
  const up = () => ({ ...run, spec: spec!, gpuIndices: held.map((g) => g.index), signal, attempt });

  switch (action.kind) {
    case 'done':
      return DONE;
    case 'remove':
      return removeServer(ctx, run, processes, { message: action.message, ...(action.purge ? { purge: true } : {}) });
    case 'sleep':
      return fallAsleep(ctx, run, processes);
    case 'fail':
      return fail(ctx, run, action.message, { reason: action.reason });
    case 'renew':
      return renew(ctx, run, processes);
    case 'remove-stale':
      return removeStale(
        ctx,
        run,
        processes.filter((p) => p.generation !== server.generation),
      );
    case 'keep':
      await serve(ctx, current!);
      return DONE;
    case 'crashed':
      return recordCrash(ctx, run, current);
    case 'start-failed':
      return startFailed(ctx, run, current);
    case 'adopt':
      return adopt(ctx, run);
    case 'await-ready':
      await serve(ctx, current!);
      return awaitReady(ctx, run, current!, signal);
    case 'wait':
      return { kind: 'delay', ms: action.ms, why: 'restart backoff' };
    case 'pull':
      return pull(ctx, up());
    case 'launch':
      return launch(ctx, up());
  }
}
