import type { ServerArgs } from './args';

export interface SlotLayout {
  slotCount: number;
  totalContext: number;
  /** Context one request may use. */
  slotContext: number;
}

// What llama.cpp falls back to: the fake model's training context, and 4 slots for "-np -1" (auto).
const TRAINING_CONTEXT = 8192;
const AUTO_SLOTS = 4;

/**
 * How llama-server divides the context: an explicit -np splits it between the slots; with automatic
 * parallelism the KV cache is unified and every slot may use all of it.
 */
export function slotLayout(args: ServerArgs): SlotLayout {
  const totalContext = args.ctxSize > 0 ? args.ctxSize : TRAINING_CONTEXT;
  if (args.parallel > 0) return { slotCount: args.parallel, totalContext, slotContext: Math.floor(totalContext / args.parallel) };
  return { slotCount: AUTO_SLOTS, totalContext, slotContext: totalContext };
}

/**
 * llama-server's slots: at most `size` requests generate at once and the rest wait in line, which is what
 * makes concurrency limits and queueing visible in gateway benchmarks.
 */
export class SlotPool {
  private readonly busy: boolean[];
  private readonly waiting: { grant: (slot: number) => void }[] = [];

  constructor(readonly size: number) {
    this.busy = Array.from({ length: size }, () => false);
  }

  get processing(): number {
    return this.busy.filter(Boolean).length;
  }

  get deferred(): number {
    return this.waiting.length;
  }

  isBusy(slot: number): boolean {
    return this.busy[slot] ?? false;
  }

  /** Resolves with a slot id, or undefined if `signal` aborts first. */
  acquire(signal: AbortSignal): Promise<number | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    const free = this.busy.indexOf(false);
    if (free !== -1) {
      this.busy[free] = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => {
      const waiter = {
        grant: (slot: number) => {
          signal.removeEventListener('abort', onAbort);
          resolve(slot);
        },
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        resolve(undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Hands the slot straight to the next waiter, so a queued request cannot be overtaken. */
  release(slot: number): void {
    const next = this.waiting.shift();
    if (next) next.grant(slot);
    else this.busy[slot] = false;
  }
}
