import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { describeError, type Logger, type SecretBox } from '@gguf/core';
import type { Database } from '@gguf/db';
import { closeRedis, createDeploymentQueue, createNodeQueue, createRedis } from '@gguf/redis';
import { ProcessRuntime, type Runtime } from '@gguf/runtime';
import type { Queue } from 'bullmq';
import type { NodeSettings, WorkerContext } from './context';
import { DEFAULT_TIMING, type Timing } from './env';
import { scheduleClusterReconcile, startJobWorkers } from './jobs/job-workers';
import { LogShipper } from './logs/shipper';
import { Loops } from './loops';
import type { NodeModels } from './models/node-models';
import { acquireNodeLease, heartbeatTick } from './node/lease-and-heartbeat';
import { registerNode } from './node/register';
import { LIBRARY_REPORT_INTERVAL_MS, reportLibrary } from './node/report-library';
import { stopServers } from './node/stop-servers';
import { type ClusterReconcileReport, reconcileCluster } from './reconcile/cluster';
import type { NodeReconcileReport } from './reconcile/node';
import { NodeReconcileLoop } from './reconcile/node-reconcile-loop';
import { listenForWakes } from './scaling/wakes';

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

  const lease = await acquireNodeLease(ctx, workerId);
  const jobWorkers = startJobWorkers(ctx, bull, workerId);
  await scheduleClusterReconcile(ctx);

  const loops = new Loops(stopping.signal);
  loops.every(timing.heartbeatIntervalMs, heartbeatTick(ctx, lease));

  const library = () => reportLibrary(db, registered.id, ctx.models).catch((error: unknown) => nodeLog.warn({ err: describeError(error) }, 'could not read the model library'));
  loops.every(LIBRARY_REPORT_INTERVAL_MS, library);

  const nodeReconcile = new NodeReconcileLoop(ctx);
  nodeReconcile.start(loops);

  // Requests held for a sleeping deployment ask for it through Redis.
  const stopListening = await listenForWakes(ctx, options.redisUrl, nodeLog);

  // On start: adopt what runs, resume what was interrupted.
  await library();
  await nodeReconcile.run().catch((error: unknown) => nodeLog.warn({ err: describeError(error) }, 'initial node reconcile failed'));
  await reconcileCluster(ctx).catch((error: unknown) => nodeLog.warn({ err: describeError(error) }, 'initial cluster reconcile failed'));
  nodeLog.info({ workerId }, 'worker running');

  let stopped: Promise<void> | undefined;
  return {
    nodeId: registered.id,
    runtime,
    context: ctx,
    reconcileNow: async () => ({ node: await nodeReconcile.run(), cluster: await reconcileCluster(ctx) }),
    stop: () => {
      stopped ??= (async () => {
        stopping.abort(new Error('worker shutting down'));
        loops.clear();
        nodeReconcile.stopWatching();
        await stopListening();
        // Long waits (readiness, pulls) see the abort and hand their job back; the rest finish.
        await Promise.allSettled(jobWorkers.map((w) => w.close()));
        await nodeReconcile.settled();
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
