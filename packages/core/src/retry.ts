import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** First delay; doubles each attempt up to `maxDelayMs`, with ±20% jitter. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Give up after this long overall (default: never). */
  deadlineMs?: number;
  signal?: AbortSignal;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

const backoffBase = (attempt: number, initialDelayMs: number, maxDelayMs: number) => Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, attempt - 1));

/** Backoff delay for an attempt (1-based): exponential, capped, jittered so many callers spread out. */
export function backoffDelay(attempt: number, initialDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  return Math.round(backoffBase(attempt, initialDelayMs, maxDelayMs) * (0.8 + 0.4 * random()));
}

/** The shortest delay `backoffDelay` can give for an attempt: the wait even a caller that lost its timer must honour. */
export function backoffFloor(attempt: number, initialDelayMs: number, maxDelayMs: number): number {
  return Math.round(backoffBase(attempt, initialDelayMs, maxDelayMs) * 0.8);
}

/** Calls `fn` until it resolves, waiting with exponential backoff between failures. */
export async function retryWithBackoff<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { initialDelayMs = 250, maxDelayMs = 10_000, deadlineMs, signal, onRetry } = options;
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const delay = backoffDelay(attempt, initialDelayMs, maxDelayMs);
      if (signal?.aborted || (deadlineMs !== undefined && Date.now() - started + delay > deadlineMs)) throw error;
      onRetry?.(error, attempt, delay);
      // Aborted while waiting: the caller learns why the last attempt failed, not that it was aborted.
      await sleep(delay, undefined, { signal }).catch(() => {
        throw error;
      });
    }
  }
}
