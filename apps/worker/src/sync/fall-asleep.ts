import type { Deployment } from '@gguf/db';
import { clearWake, readActivity, wakeWanted } from '@gguf/redis';
import type { ServerInfo } from '@gguf/runtime';
import type { WorkerContext } from '../context';
import { applyTransition } from '../deployments/apply-transition';
import { leaveNode } from './leave-node';
import { AGAIN, DONE, type Outcome } from './outcome';

/** How often a deployment that fell asleep with requests still in flight looks again. */
const DRAIN_CHECK_MS = 1_000;

/**
 * The node side of node-decision.ts's `sleep`: a deployment the cluster loop put to sleep while its
 * server still runs here. A request that already waits for it gets it back at once (its server
 * is still up and ready); requests the gateways admitted just before it fell asleep finish first;
 * then its servers go and the node is given back. It stays `sleeping`; the cluster side wakes it.
 * Held requests always ask for a wake, so waiting for them to drain can never wait on itself.
 */
export async function fallAsleep(ctx: WorkerContext, row: Deployment, servers: ServerInfo[]): Promise<Outcome> {
  if (await wakeWanted(ctx.redis, row.id)) {
    const serving = servers.some((s) => s.generation === row.generation && s.state === 'running');
    if (serving && row.upstreamUrl !== null) {
      const ok = await applyTransition(ctx, { deploymentId: row.id, from: 'sleeping', to: 'running', message: 'awake again: a request came before its server had stopped', generation: row.generation });
      if (!ok) return AGAIN;
      await clearWake(ctx.redis, row.id);
      return DONE;
    }
  } else if ((await readActivity(ctx.redis, [row.id])).get(row.id)!.inflight > 0) {
    return { kind: 'delay', ms: DRAIN_CHECK_MS, why: 'requests admitted before it fell asleep are still in flight' };
  }
  return leaveNode(ctx, row, servers, { logs: 'stop', requeue: 'asleep' });
}
