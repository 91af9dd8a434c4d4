import { type ConnectionOptions, type Job, Queue } from 'bullmq';
import { z } from 'zod';

/**
 * The job catalogue: every job the control plane hands the worker, with its payload schema and
 * retry policy, in one place. Producers (the REST API) and the consumer (the worker) both go
 * through it, so a payload is validated on the way in and on the way out.
 *
 * Two kinds of queues: the shared `gguf-deployments` queue, served by every worker (placement
 * needs only Postgres), and one queue per node, served by the worker that owns the node (only it
 * can reach the node's Docker engine or processes). See docs/worker.md.
 */
export const DEPLOYMENT_QUEUE = 'gguf-deployments';

/** The queue of one node's worker (queue names may not contain ':'). */
export function nodeQueueName(nodeId: string): string {
  return `gguf-node-${nodeId}`;
}

export const JOBS = {
  /** Bring one deployment to its desired state (start, stop, redeploy, delete). Level-triggered: the payload only says which. */
  'deployment.sync': {
    payload: z.object({
      deploymentId: z.string(),
      generation: z.number().int().positive(),
      desiredState: z.enum(['running', 'stopped', 'deleted']),
      reason: z.string().max(200),
    }),
    attempts: 8,
    backoff: { type: 'exponential', delay: 1_000 },
  },
  /** Compare desired state with what runs on every node and repair the difference. Repeated every few seconds. */
  'cluster.reconcile': {
    payload: z.object({}),
    attempts: 1,
    backoff: { type: 'fixed', delay: 0 },
  },
  /**
   * On a node's own queue: make one server on the node match what its deployment asks (pull,
   * start, wait for readiness, restart after a crash, stop, remove). One job per server at a time;
   * the handler re-reads the server until nothing is left to do, so changes made meanwhile are not lost.
   */
  'node.sync': {
    payload: z.object({
      serverId: z.string(),
      reason: z.string().max(200),
    }),
    attempts: 10,
    backoff: { type: 'exponential', delay: 1_000 },
  },
} as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>;

export function createDeploymentQueue(connection: ConnectionOptions): Queue {
  return new Queue(DEPLOYMENT_QUEUE, { connection });
}

export function createNodeQueue(connection: ConnectionOptions, nodeId: string): Queue {
  return new Queue(nodeQueueName(nodeId), { connection });
}

/**
 * Job id for a sync: one per deployment × generation × desired state, so a retried or duplicated
 * request never queues the same work twice while it is waiting. Finished jobs are removed, so the
 * same id can be queued again later (stop → start → stop at one generation).
 */
export function syncJobId(payload: JobPayload<'deployment.sync'>): string {
  return `sync-${payload.deploymentId}-g${payload.generation}-${payload.desiredState}`;
}

/** One node job per deployment at a time: a duplicate while one waits or runs is absorbed by it. */
export function nodeSyncJobId(serverId: string): string {
  return `node-sync-${serverId}`;
}

/** A job of this id that already failed (kept for inspection) must not swallow new work: drop it first. */
async function dropFinished(queue: Queue, jobId: string): Promise<Job | undefined> {
  const existing = await queue.getJob(jobId);
  if (!existing) return undefined;
  const state = await existing.getState();
  if (state === 'failed' || state === 'completed') {
    await existing.remove().catch(() => undefined);
    return undefined;
  }
  return existing;
}

export async function enqueueDeploymentSync(queue: Queue, payload: JobPayload<'deployment.sync'>): Promise<void> {
  const spec = JOBS['deployment.sync'];
  const data = spec.payload.parse(payload);
  const jobId = syncJobId(data);
  await dropFinished(queue, jobId);
  await queue.add('deployment.sync', data, {
    jobId,
    attempts: spec.attempts,
    backoff: spec.backoff,
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  });
}

export interface NodeSyncOptions {
  /** Run no earlier than this many milliseconds from now (restart backoff). */
  delayMs?: number;
  /** When the server's job is waiting out a delay, run it now instead (a user asked for something). */
  promote?: boolean;
}

export async function enqueueNodeSync(queue: Queue, payload: JobPayload<'node.sync'>, options: NodeSyncOptions = {}): Promise<void> {
  const spec = JOBS['node.sync'];
  const data = spec.payload.parse(payload);
  const jobId = nodeSyncJobId(data.serverId);
  const existing = await dropFinished(queue, jobId);
  if (existing) {
    if (options.promote && (await existing.getState()) === 'delayed') await existing.promote().catch(() => undefined);
    return;
  }
  await queue.add('node.sync', data, {
    jobId,
    delay: options.delayMs && options.delayMs > 0 ? options.delayMs : undefined,
    attempts: spec.attempts,
    backoff: spec.backoff,
    removeOnComplete: true,
    removeOnFail: { age: 24 * 3600 },
  });
}
