import { readActivity, wakeWanted } from '@gguf/redis';
import type { ServerInfo } from '@gguf/runtime';
import type { WorkerContext } from '../context';
import { type Outcome } from './outcome';
import { removeServer } from './remove-server';
import type { ServerRun } from './server-run';

/** How often a server of a deployment that fell asleep with requests still in flight looks again. */
const DRAIN_CHECK_MS = 1_000;

/**
 * The node side of node-decision.ts's `sleep`: the cluster loop put the deployment to sleep while
 * this server still runs here. Requests the gateways admitted just before it fell asleep finish
 * first; then the server goes and the node is given back. A request that comes meanwhile wakes the
 * deployment on the cluster side (it wants a server again), so a server still up stays for it.
 */
export async function fallAsleep(ctx: WorkerContext, run: ServerRun, processes: ServerInfo[]): Promise<Outcome> {
  if (await wakeWanted(ctx.redis, run.dep.id)) return { kind: 'delay', ms: DRAIN_CHECK_MS, why: 'a request waits for it: the cluster side wakes it' };
  if ((await readActivity(ctx.redis, [run.dep.id])).get(run.dep.id)!.inflight > 0) {
    return { kind: 'delay', ms: DRAIN_CHECK_MS, why: 'requests admitted before it fell asleep are still in flight' };
  }
  return removeServer(ctx, run, processes, { message: 'asleep; its server stopped' });
}
