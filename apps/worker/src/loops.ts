/**
 * The worker's timed loops: each runs its function every `ms` after the previous run ends (never
 * two at once, a failure waits for the next tick), until the worker stops.
 */
export class Loops {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly stopping: AbortSignal) {}

  every(ms: number, fn: () => Promise<void>): void {
    let running = false;
    const tick = () => {
      if (this.stopping.aborted) return;
      const timer = setTimeout(async () => {
        this.timers.delete(timer);
        if (!running) {
          running = true;
          await fn().catch(() => undefined);
          running = false;
        }
        tick();
      }, ms);
      this.timers.add(timer);
    };
    tick();
  }

  /** Cancels every pending tick; a run in progress finishes and schedules nothing more once stopping is set. */
  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }
}
