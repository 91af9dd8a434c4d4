import { Queue, type ConnectionOptions } from 'bullmq';
import { z } from 'zod';

/**
 * The job catalogue: every job the control plane hands the worker, with its payload schema and
 * retry policy, in one place. Producers (the REST API) and the consumer (the worker) both go
 * through it, so a payload is validated on the way in and on the way out.
 */
export const DEPLOYMENT_QUEUE = 'gguf-deployments';

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
} as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>;

export function createDeploymentQueue(connection: ConnectionOptions): Queue {
  return new Queue(DEPLOYMENT_QUEUE, { connection });
}

/**
 * Job id for a sync: one per deployment × generation × desired state, so a retried or duplicated
 * request never queues the same work twice while it is waiting. Finished jobs are removed, so the
 * same id can be queued again later (stop → start → stop at one generation).
 */
export function syncJobId(payload: JobPayload<'deployment.sync'>): string {
  return `sync-${payload.deploymentId}-g${payload.generation}-${payload.desiredState}`;
}

export async function enqueueDeploymentSync(queue: Queue, payload: JobPayload<'deployment.sync'>): Promise<void> {
  const spec = JOBS['deployment.sync'];
  const data = spec.payload.parse(payload);
  await queue.add('deployment.sync', data, {
    jobId: syncJobId(data),
    attempts: spec.attempts,
    backoff: spec.backoff,
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  });
}
