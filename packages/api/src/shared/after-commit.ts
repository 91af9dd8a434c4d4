import { describeError } from '@gguf/core';
import type { ApiDeps } from '../deps';

/**
 * Runs a notification (a job for the worker, a pub/sub message for the gateways) after the change
 * it announces has committed. The database row is the truth and the worker's reconcile loop
 * re-reads it, so a Redis outage delays the change instead of losing it: a failure is logged, not
 * thrown at a caller whose change is already saved. While Redis is down the work is skipped at once,
 * because commands on our connections wait for the reconnect and would hold the request.
 */
export async function afterCommit(deps: Pick<ApiDeps, 'redis' | 'logger'>, what: string, context: Record<string, unknown>, work: () => Promise<void>): Promise<void> {
  if (deps.redis.status !== 'ready') {
    deps.logger.error({ ...context, redis: deps.redis.status }, `redis unavailable; skipped: ${what}`);
    return;
  }
  try {
    await work();
  } catch (error) {
    deps.logger.error({ ...context, err: describeError(error) }, `failed: ${what}`);
  }
}
