import { describeError } from '@gguf/core';
import { DEPLOYMENT_QUEUE, JOBS, nodeQueueName, type Redis } from '@gguf/redis';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { WorkerContext } from '../context';
import { reconcileCluster } from '../reconcile/cluster';
import { BadDeploymentError, syncInCluster } from '../sync/cluster-sync';
import { syncServer } from '../sync/node-sync';
import type { Outcome } from '../sync/outcome';

const CLUSTER_RECONCILE_SCHEDULER = 'cluster-reconcile';
const MAX_STEPS = 40;

/** Runs a level-triggered sync until it settles, turning delays and hand-backs into BullMQ's delayed state. */
async function runSteps(step: () => Promise<Outcome>, job: Job, token: string | undefined): Promise<void> {
  for (let i = 0; i < MAX_STEPS; i++) {
    const outcome = await step();
    if (outcome.kind === 'done') return;
    if (outcome.kind === 'again') continue;
    // Delayed: the job leaves this worker without counting as a failed attempt.
    await job.moveToDelayed(Date.now() + (outcome.kind === 'delay' ? outcome.ms : 250), token);
    throw new DelayedError(outcome.kind === 'delay' ? outcome.why : 'handed back on shutdown');
  }
  throw new Error(`deployment did not settle after ${MAX_STEPS} steps; retrying`);
}

/**
 * The BullMQ workers: the shared queue (placement, deploy/stop/delete of unplaced deployments, the
 * cluster reconcile) and this node's queue (everything that touches the node's servers).
 */
export function startJobWorkers(ctx: WorkerContext, connection: Redis, workerId: string): Worker[] {
  const { timing, logger: nodeLog, stopping } = ctx;
  const workerOptions = {
    connection,
    concurrency: timing.jobConcurrency,
    lockDuration: timing.jobLockMs,
    stalledInterval: timing.jobLockMs,
    // A job whose worker was killed is taken over; one that keeps killing workers eventually fails.
    maxStalledCount: 5,
    name: workerId,
  };
  const signalFor = (jobSignal: AbortSignal | undefined) => (jobSignal ? AbortSignal.any([jobSignal, stopping]) : stopping);

  const sharedWorker = new Worker(
    DEPLOYMENT_QUEUE,
    async (job, token) => {
      if (job.name === 'cluster.reconcile') {
        const report = await reconcileCluster(ctx);
        if (report.unreachable.length || report.moved.length || report.scaled.length) nodeLog.info(report, 'cluster reconciled');
        return;
      }
      if (job.name !== 'deployment.sync') throw new UnrecoverableError(`unknown job ${job.name}`);
      const parsed = JOBS['deployment.sync'].payload.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`malformed deployment.sync payload: ${parsed.error.message}`);
      try {
        await runSteps(() => syncInCluster(ctx, parsed.data.deploymentId, parsed.data.reason), job, token);
      } catch (error) {
        // A bad model reference or option: retrying cannot help; the deployment already says why.
        if (error instanceof BadDeploymentError) throw new UnrecoverableError(error.message);
        throw error;
      }
    },
    workerOptions,
  );

  const localWorker = new Worker(
    nodeQueueName(ctx.node.id),
    async (job, token, jobSignal) => {
      if (job.name !== 'node.sync') throw new UnrecoverableError(`unknown job ${job.name}`);
      const parsed = JOBS['node.sync'].payload.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`malformed node.sync payload: ${parsed.error.message}`);
      const signal = signalFor(jobSignal);
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await runSteps(() => syncServer(ctx, parsed.data.serverId, signal, { final }), job, token);
    },
    workerOptions,
  );

  for (const w of [sharedWorker, localWorker]) {
    w.on('error', (error) => nodeLog.warn({ err: describeError(error) }, 'job worker error'));
    w.on('failed', (job, error) => {
      if (error instanceof DelayedError || error?.name === 'DelayedError') return;
      nodeLog.warn({ job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: describeError(error) }, 'job failed');
    });
  }
  return [sharedWorker, localWorker];
}

/** Every worker upserts the same scheduler, so the cluster reconcile runs once per interval, on one of them. */
export async function scheduleClusterReconcile(ctx: WorkerContext): Promise<void> {
  await ctx.deploymentQueue.upsertJobScheduler(
    CLUSTER_RECONCILE_SCHEDULER,
    { every: ctx.timing.reconcileIntervalMs },
    { name: 'cluster.reconcile', data: {}, opts: { removeOnComplete: true, removeOnFail: true } },
  );
}
