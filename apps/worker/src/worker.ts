import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError, type Logger, type SecretBox } from '@gguf/core';
import type { Database } from '@gguf/db';
import { closeRedis, createDeploymentQueue, createNodeQueue, createRedis, DEPLOYMENT_QUEUE, JOBS, nodeQueueName } from '@gguf/redis';
import { ProcessRuntime, type Runtime } from '@gguf/runtime';
import { DelayedError, type Job, type Queue, UnrecoverableError, Worker } from 'bullmq';
import type { NodeSettings, WorkerContext } from './context';
import { DEFAULT_TIMING, type Timing } from './env';
import { applyTransition, noteDeployment } from './deployments/apply-transition';
import { LogShipper } from './logs/shipper';
import type { NodeModels } from './models/node-models';
import { heartbeat, NodeLease, registerNode } from './node/register';
import { LIBRARY_REPORT_INTERVAL_MS, reportLibrary } from './node/report-library';
import { type ClusterReconcileReport, reconcileCluster } from './reconcile/cluster';
import { listenForWakes } from './scaling/wakes';
import { type NodeReconcileReport, reconcileNode } from './reconcile/node';
import { BadDeploymentError, syncInCluster } from './sync/cluster-sync';
import { syncOnNode } from './sync/node-sync';
import type { Outcome } from './sync/outcome';

export interface CreateWorkerOptions {
  db: Database;
  redisUrl: string;
  logger: Logger;
  /** Opens the sealed secrets the worker uses (SECRETS_KEY). */
  secrets: SecretBox;
  node: NodeSettings;
  timing?: Partial<Timing>;
  /** Builds the runtime once the node's id is known (containers and state files carry it). */
  runtime: (nodeId: string) => Runtime;
  /** The node's models, where the runtime's servers find them. */
  models: (runtime: Runtime) => NodeModels;
  /** Identifies this worker process (lease owner, job locks); random when absent. */
  workerId?: string;
  /**
   * What a graceful stop does to the node's servers: `keep` them running for the next worker to
   * adopt (default; what Docker nodes want), or `stop` them (single-box process installs, where
   * stopping the product should stop llama-server too). Deployments then wait in `starting` and
   * start again with the next worker.
   */
  serversOnShutdown?: 'keep' | 'stop';
}

export interface WorkerHandle {
  readonly nodeId: string;
  readonly runtime: Runtime;
  readonly context: WorkerContext;
  /** Runs both reconcile passes once, now (tests; also what every tick does). */
  reconcileNow(): Promise<{ cluster: ClusterReconcileReport; node: NodeReconcileReport }>;
  /** Graceful: stops taking jobs, hands back long-running ones (they resume on the next worker), releases the node. */
  stop(): Promise<void>;
}

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
 * The worker: registers its node, serves the shared queue (placement, deploy/stop/delete of
 * unplaced deployments, the cluster reconcile) and its node's queue (everything that touches the
 * node's servers), heartbeats, and reconciles its node every few seconds. Several workers can
 * share one Postgres and Redis; each owns exactly one node.
 */
export async function startWorker(options: CreateWorkerOptions): Promise<WorkerHandle> {
  const timing: Timing = { ...DEFAULT_TIMING, ...options.timing };
  const { db, logger } = options;
  const workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const redis = createRedis(options.redisUrl, 'gguf-worker');
  const bull = createRedis(options.redisUrl, 'gguf-worker-jobs');
  for (const connection of [redis, bull]) connection.on('error', (error) => logger.debug({ err: error.message }, 'redis connection error'));

  const registered = await registerNode(db, options.node);
  if (registered.keptGpus.length > 0) logger.warn({ gpus: registered.keptGpus }, 'GPUs gone from the inventory are still booked; kept until released');
  const runtime = options.runtime(registered.id);
  const nodeLog = logger.child({ node: registered.name });
  nodeLog.info({ nodeId: registered.id, runtime: runtime.description, gpus: options.node.gpus.length, address: registered.address }, 'node registered');
  if (runtime instanceof ProcessRuntime && !runtime.binaryPath()) {
    nodeLog.warn('llama-server was not found (set LLAMA_SERVER_BIN or put llama-server on PATH): deployments placed on this node will fail until it is installed');
  }

  const deploymentQueue = createDeploymentQueue(bull);
  const nodeQueues = new Map<string, Queue>();
  const nodeQueue = (nodeId: string): Queue => {
    let queue = nodeQueues.get(nodeId);
    if (!queue) {
      queue = createNodeQueue(bull, nodeId);
      nodeQueues.set(nodeId, queue);
    }
    return queue;
  };
  const stopping = new AbortController();
  const logs = new LogShipper(runtime, redis, nodeLog);
  const ctx: WorkerContext = {
    db,
    redis,
    logger: nodeLog,
    secrets: options.secrets,
    runtime,
    node: { id: registered.id, name: registered.name, address: registered.address, cpuCores: options.node.cpuCores, cpuSlots: options.node.cpuSlots },
    models: options.models(runtime),
    timing,
    deploymentQueue,
    nodeQueue,
    logs,
    stopping: stopping.signal,
  };

  // One worker per node: wait for a predecessor's lease to expire (it renews with every heartbeat).
  const lease = new NodeLease(redis, registered.id, workerId, Math.max(2_000, timing.heartbeatIntervalMs * 3));
  for (let warned = false; !(await lease.tryAcquire()); ) {
    if (!warned) nodeLog.warn({ holder: await lease.holder() }, 'another worker holds this node; waiting for its lease to expire');
    warned = true;
    await sleep(Math.max(200, timing.heartbeatIntervalMs / 2));
  }

  const workerOptions = {
    connection: bull,
    concurrency: timing.jobConcurrency,
    lockDuration: timing.jobLockMs,
    stalledInterval: timing.jobLockMs,
    // A job whose worker was killed is taken over; one that keeps killing workers eventually fails.
    maxStalledCount: 5,
    name: workerId,
  };
  const signalFor = (jobSignal: AbortSignal | undefined) => (jobSignal ? AbortSignal.any([jobSignal, stopping.signal]) : stopping.signal);

  const sharedWorker = new Worker(
    DEPLOYMENT_QUEUE,
    async (job, token) => {
      if (job.name === 'cluster.reconcile') {
        const report = await reconcileCluster(ctx);
        if (report.unreachable.length || report.moved.length) nodeLog.info(report, 'cluster reconciled');
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
    nodeQueueName(registered.id),
    async (job, token, jobSignal) => {
      if (job.name !== 'node.sync') throw new UnrecoverableError(`unknown job ${job.name}`);
      const parsed = JOBS['node.sync'].payload.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`malformed node.sync payload: ${parsed.error.message}`);
      const signal = signalFor(jobSignal);
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await runSteps(() => syncOnNode(ctx, parsed.data.deploymentId, signal, { final }), job, token);
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

  await deploymentQueue.upsertJobScheduler(
    CLUSTER_RECONCILE_SCHEDULER,
    { every: timing.reconcileIntervalMs },
    { name: 'cluster.reconcile', data: {}, opts: { removeOnComplete: true, removeOnFail: true } },
  );

  // --- loops -------------------------------------------------------------------------------------
  const timers = new Set<NodeJS.Timeout>();
  const every = (ms: number, fn: () => Promise<void>) => {
    let running = false;
    const tick = () => {
      if (stopping.signal.aborted) return;
      const timer = setTimeout(async () => {
        timers.delete(timer);
        if (!running) {
          running = true;
          await fn().catch(() => undefined);
          running = false;
        }
        tick();
      }, ms);
      timers.add(timer);
    };
    tick();
  };

  let runtimeDown = false;
  every(timing.heartbeatIntervalMs, async () => {
    try {
      // No heartbeat while the runtime is down: after NODE_STALE_AFTER_MS its deployments move elsewhere.
      await runtime.ping();
      await heartbeat(db, registered.id);
      if (runtimeDown) nodeLog.info('runtime is back');
      runtimeDown = false;
    } catch (error) {
      if (!runtimeDown) nodeLog.error({ err: describeError(error) }, 'runtime unavailable; heartbeats paused');
      runtimeDown = true;
    }
    try {
      if (!(await lease.renew()) && !(await lease.tryAcquire())) nodeLog.error({ holder: await lease.holder() }, 'lost the node lease to another worker');
    } catch (error) {
      nodeLog.warn({ err: describeError(error) }, 'could not renew the node lease');
    }
  });

  const library = () => reportLibrary(db, registered.id, ctx.models).catch((error: unknown) => nodeLog.warn({ err: describeError(error) }, 'could not read the model library'));
  every(LIBRARY_REPORT_INTERVAL_MS, library);

  let nodeReconciling: Promise<NodeReconcileReport> | undefined;
  const runNodeReconcile = (): Promise<NodeReconcileReport> => {
    nodeReconciling ??= reconcileNode(ctx)
      .then((report) => {
        if (report.orphansRemoved.length) nodeLog.info(report, 'node reconciled');
        return report;
      })
      .finally(() => (nodeReconciling = undefined));
    return nodeReconciling;
  };
  every(timing.reconcileIntervalMs, async () => {
    await runNodeReconcile().catch((error: unknown) => nodeLog.warn({ err: describeError(error) }, 'node reconcile failed'));
  });

  // A server that exits is noticed at once, not at the next tick.
  let soon: NodeJS.Timeout | undefined;
  const unwatch = runtime.watch(() => {
    if (soon || stopping.signal.aborted) return;
    soon = setTimeout(() => {
      soon = undefined;
      void runNodeReconcile().catch(() => undefined);
    }, 100);
  });

  // Requests held for a sleeping deployment ask for it through Redis.
  const stopListening = await listenForWakes(ctx, options.redisUrl, nodeLog);

  // On start: adopt what runs, resume what was interrupted.
  await library();
  await runNodeReconcile().catch((error: unknown) => nodeLog.warn({ err: describeError(error) }, 'initial node reconcile failed'));
  await reconcileCluster(ctx).catch((error: unknown) => nodeLog.warn({ err: describeError(error) }, 'initial cluster reconcile failed'));
  nodeLog.info({ workerId }, 'worker running');

  let stopped: Promise<void> | undefined;
  return {
    nodeId: registered.id,
    runtime,
    context: ctx,
    reconcileNow: async () => ({ node: await runNodeReconcile(), cluster: await reconcileCluster(ctx) }),
    stop: () => {
      stopped ??= (async () => {
        stopping.abort(new Error('worker shutting down'));
        for (const timer of timers) clearTimeout(timer);
        clearTimeout(soon);
        unwatch();
        await stopListening();
        // Long waits (readiness, pulls) see the abort and hand their job back; the rest finish.
        await Promise.allSettled([sharedWorker.close(), localWorker.close()]);
        await nodeReconciling?.catch(() => undefined);
        if (options.serversOnShutdown === 'stop') await stopServers(ctx).catch((error: unknown) => nodeLog.warn({ err: describeError(error) }, 'could not stop every server'));
        await logs.stopAll();
        await lease.release().catch(() => undefined);
        await runtime.close();
        await Promise.allSettled([deploymentQueue.close(), ...[...nodeQueues.values()].map((q) => q.close())]);
        await Promise.allSettled([closeRedis(redis), closeRedis(bull)]);
        nodeLog.info('worker stopped');
      })();
      return stopped;
    },
  };
}

/** serversOnShutdown = stop: the node's servers go with the worker; their deployments wait in `starting` for the next one. */
async function stopServers(ctx: WorkerContext): Promise<void> {
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
