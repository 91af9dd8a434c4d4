import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from '@gguf/core';
import type { WorkerContext } from '../context';
import { heartbeat, NodeLease } from './register';

/** One worker per node: waits for a predecessor's lease to expire (it renews with every heartbeat). */
export async function acquireNodeLease(ctx: WorkerContext, workerId: string): Promise<NodeLease> {
  const { timing, logger: nodeLog } = ctx;
  const lease = new NodeLease(ctx.redis, ctx.node.id, workerId, Math.max(2_000, timing.heartbeatIntervalMs * 3));
  for (let warned = false; !(await lease.tryAcquire()); ) {
    if (!warned) nodeLog.warn({ holder: await lease.holder() }, 'another worker holds this node; waiting for its lease to expire');
    warned = true;
    await sleep(Math.max(200, timing.heartbeatIntervalMs / 2));
  }
  return lease;
}

/** One heartbeat tick: renews the node lease, and stamps the node while its runtime answers. */
export function heartbeatTick(ctx: WorkerContext, lease: NodeLease): () => Promise<void> {
  const nodeLog = ctx.logger;
  let runtimeDown = false;
  return async () => {
    // The lease first: a slow engine ping must not let it lapse while this worker still serves the node.
    try {
      if (!(await lease.renew()) && !(await lease.tryAcquire())) nodeLog.error({ holder: await lease.holder() }, 'lost the node lease to another worker');
    } catch (error) {
      nodeLog.warn({ err: describeError(error) }, 'could not renew the node lease');
    }
    try {
      // No heartbeat while the runtime is down: after NODE_STALE_AFTER_MS its deployments move elsewhere.
      await ctx.runtime.ping();
      await heartbeat(ctx.db, ctx.node.id);
      if (runtimeDown) nodeLog.info('runtime is back');
      runtimeDown = false;
    } catch (error) {
      if (!runtimeDown) nodeLog.error({ err: describeError(error) }, 'runtime unavailable; heartbeats paused');
      runtimeDown = true;
    }
  };
}
