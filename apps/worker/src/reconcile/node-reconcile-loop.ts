import { describeError } from '@gguf/core';
import type { WorkerContext } from '../context';
import type { Loops } from '../loops';
import { type NodeReconcileReport, reconcileNode } from './node';

/**
 * When the node is reconciled: every tick, at once when a server exits, and on demand (start,
 * tests). One pass at a time: a caller during a pass shares it.
 */
export class NodeReconcileLoop {
  private running: Promise<NodeReconcileReport> | undefined;
  private soon: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;

  constructor(private readonly ctx: WorkerContext) {}

  run = (): Promise<NodeReconcileReport> => {
    this.running ??= reconcileNode(this.ctx)
      .then((report) => {
        if (report.orphansRemoved.length) this.ctx.logger.info(report, 'node reconciled');
        return report;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  };

  start(loops: Loops): void {
    const { ctx } = this;
    loops.every(ctx.timing.reconcileIntervalMs, async () => {
      await this.run().catch((error: unknown) => ctx.logger.warn({ err: describeError(error) }, 'node reconcile failed'));
    });
    // A server that exits is noticed at once, not at the next tick.
    this.unwatch = ctx.runtime.watch(() => {
      if (this.soon || ctx.stopping.aborted) return;
      this.soon = setTimeout(() => {
        this.soon = undefined;
        void this.run().catch(() => undefined);
      }, 100);
    });
  }

  /** No more passes for exits; one in progress goes on (see `settled`). */
  stopWatching(): void {
    clearTimeout(this.soon);
    this.unwatch?.();
  }

  /** Resolves when the pass in progress, if any, has ended. */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
  }
}
