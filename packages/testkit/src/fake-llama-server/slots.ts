import type { ServerArgs } from './args';
import { cachedTokenCount, chooseSlot } from './prompt-cache';

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

/** One request's hold on a slot: what it reads from the slot's cache and what it leaves there. */
export interface SlotLease {
  id: number;
  /** Starts a prompt in the slot: returns how many of its tokens come from the cache, and makes it what the slot holds. */
  begin(prompt: readonly string[], cachePrompt: boolean): number;
  /** A generated token stays in the slot after the prompt, as llama-server keeps it in the KV cache. */
  remember(token: string): void;
}

/**
 * llama-server's slots: at most `size` requests generate at once and the rest wait in line, which is what
 * makes concurrency limits and queueing visible in gateway benchmarks. Each slot keeps its last prompt, so a
 * request that shares a prefix with it is placed there and reads that prefix from the cache (prompt-cache.ts).
 */
export class SlotPool {
  private readonly slots: { busy: boolean; tokens: string[]; lastUsed: number }[];
  private readonly waiting: { grant: (slot: number) => void }[] = [];
  private clock = 0;

  /** `similarity` is --slot-prompt-similarity. */
  constructor(
    readonly size: number,
    private readonly similarity: number,
  ) {
    this.slots = Array.from({ length: size }, () => ({ busy: false, tokens: [], lastUsed: -1 }));
  }

  get processing(): number {
    return this.slots.filter((slot) => slot.busy).length;
  }

  get deferred(): number {
    return this.waiting.length;
  }

  isBusy(slot: number): boolean {
    return this.slots[slot]?.busy ?? false;
  }

  /** Resolves with a lease on the slot llama-server would choose for `prompt`, or undefined if `signal` aborts first. */
  acquire(signal: AbortSignal, prompt: readonly string[]): Promise<SlotLease | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    const free = chooseSlot(this.slots, prompt, this.similarity);
    if (free !== undefined) return Promise.resolve(this.lease(free));
    return new Promise((resolve) => {
      const waiter = {
        grant: (slot: number) => {
          signal.removeEventListener('abort', onAbort);
          resolve(this.lease(slot));
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
  release(lease: SlotLease): void {
    const slot = this.slots[lease.id];
    if (!slot) return;
    slot.lastUsed = this.clock++;
    const next = this.waiting.shift();
    if (next) next.grant(lease.id);
    else slot.busy = false;
  }

  private lease(id: number): SlotLease {
    const slot = this.slots[id];
    if (!slot) throw new Error(`no slot ${id}`);
    slot.busy = true;
    return {
      id,
      begin: (prompt, cachePrompt) => {
        const cached = cachedTokenCount(slot.tokens, prompt, cachePrompt);
        slot.tokens = prompt.slice();
        return cached;
      },
      remember: (token) => void slot.tokens.push(token),
    };
  }
}
