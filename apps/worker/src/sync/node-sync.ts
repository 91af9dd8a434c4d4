import { InvalidDeploymentError, launchSpecOf } from '../deployments/spec';
import type { WorkerContext } from '../context';
import { applyTransition } from '../deployments/apply-transition';
import { allocatedGpus, allocationFits } from '../scheduler/schedule';
import { awaitReady } from './await-ready';
import { adopt, beginGeneration, launch, pull, removeStale, serve } from './bring-up';
import { recordCrash, startFailed } from './crash';
import { fallAsleep } from './fall-asleep';
import { fail, leaveNode } from './leave-node';
import { decideOnNode } from './node-decision';
import { AGAIN, DONE, type Outcome } from './outcome';

export interface SyncAttempt {
  /** The job will not be retried after this attempt: transient failures become final. */
  final: boolean;
}

/**
 * node.sync: makes this node's servers match one deployment placed on it. Level-triggered: each
 * call reads the deployment and what actually runs, asks node-decision.ts for the next step and
 * takes it; the job calls again until the answer is `done`. Because every step is decided from
 * what is observed (container labels, state files, the deploy step recorded per generation), a job
 * retried after a worker died resumes where the last one stopped, and never starts a second
 * server: servers are named per deployment generation.
 */
export async function syncOnNode(ctx: WorkerContext, deploymentId: string, signal: AbortSignal, attempt: SyncAttempt = { final: false }): Promise<Outcome> {
  const row = await ctx.db.deployment.findUnique({ where: { id: deploymentId } });
  if (!row || row.status === 'deleted') return DONE;
  // Not (or no longer) placed here: the cluster sync owns it, and this node's reconcile removes what is left.
  if (row.nodeId !== ctx.node.id) return DONE;
  const servers = (await ctx.runtime.list()).filter((s) => s.deploymentId === deploymentId);
  const held = await allocatedGpus(ctx.db, deploymentId);
  let spec: ReturnType<typeof launchSpecOf> | undefined;
  let invalid: string | undefined;
  try {
    spec = launchSpecOf(row);
  } catch (error) {
    if (!(error instanceof InvalidDeploymentError)) throw error;
    invalid = error.message;
  }

  const action = decideOnNode(row, {
    servers,
    ...(invalid !== undefined ? { invalid } : {}),
    allocationFits: allocationFits(row, held),
    now: Date.now(),
    restartBackoffMs: ctx.timing.restartBackoffMs,
    restartBackoffMaxMs: ctx.timing.restartBackoffMaxMs,
  });
  const current = servers.find((s) => s.generation === row.generation);
  const up = () => ({ row, spec: spec!, gpuIndices: held.map((g) => g.index), signal, attempt });

  switch (action.kind) {
    case 'done':
      return DONE;
    case 'delete':
      if (row.status !== 'deleting' && !(await applyTransition(ctx, { deploymentId, from: row.status, to: 'deleting', message: 'deleting' }))) return AGAIN;
      return leaveNode(ctx, { ...row, status: 'deleting' }, servers, { to: 'deleted', message: 'deleted', set: { deployStep: null, deletedAt: row.deletedAt ?? new Date() }, logs: 'forget', purge: true });
    case 'stop':
      if (row.status !== 'stopping' && !(await applyTransition(ctx, { deploymentId, from: row.status, to: 'stopping', message: 'stopping', set: { upstreamUrl: null } }))) return AGAIN;
      return leaveNode(ctx, { ...row, status: 'stopping' }, servers, { to: 'stopped', message: 'stopped', set: { deployStep: null, restartCount: 0 }, logs: 'stop', purge: true });
    case 'sleep':
      return fallAsleep(ctx, row, servers);
    case 'unplace':
      return leaveNode(ctx, row, servers, {
        ...(action.to !== undefined && action.to !== row.status
          ? { to: action.to, message: action.message ?? `${action.to}; released node resources`, set: { deployStep: null, restartCount: 0 } }
          : {}),
        ...(action.requeue ? { requeue: action.requeue } : {}),
      });
    case 'fail':
      return fail(ctx, row, action.message, { reason: action.reason });
    case 'begin-generation':
      return beginGeneration(ctx, row);
    case 'remove-stale':
      return removeStale(
        ctx,
        row,
        servers.filter((s) => s.generation !== row.generation),
      );
    case 'keep':
      await serve(ctx, current!);
      return DONE;
    case 'crashed':
      return recordCrash(ctx, row, current);
    case 'start-failed':
      return startFailed(ctx, row, current);
    case 'adopt':
      return adopt(ctx, row);
    case 'await-ready':
      await serve(ctx, current!);
      return awaitReady(ctx, row, current!, signal);
    case 'wait':
      return { kind: 'delay', ms: action.ms, why: 'restart backoff' };
    case 'pull':
      return pull(ctx, up());
    case 'launch':
      return launch(ctx, up());
  }
}
