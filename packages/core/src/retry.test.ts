import { describe, expect, it } from 'vitest';
import { backoffDelay, backoffFloor, retryWithBackoff } from './retry';

describe('backoffDelay', () => {
  it('doubles up to the cap, within ±20%', () => {
    expect(backoffDelay(1, 100, 1000, () => 0.5)).toBe(100);
    expect(backoffDelay(3, 100, 1000, () => 0.5)).toBe(400);
    expect(backoffDelay(10, 100, 1000, () => 0.5)).toBe(1000);
    expect(backoffDelay(2, 100, 1000, () => 0)).toBe(160);
    expect(backoffDelay(2, 100, 1000, () => 1)).toBe(240);
  });

  it('never goes below its floor, the wait a caller that lost its timer still honours', () => {
    for (const attempt of [1, 2, 3, 10]) expect(backoffDelay(attempt, 100, 1000, () => 0)).toBe(backoffFloor(attempt, 100, 1000));
    expect(backoffFloor(3, 100, 1000)).toBe(320);
  });
});

describe('retryWithBackoff', () => {
  it('retries until the call succeeds and reports each retry', async () => {
    let calls = 0;
    const retries: number[] = [];
    const value = await retryWithBackoff(
      async () => {
        if (++calls < 3) throw new Error('not yet');
        return 'done';
      },
      { initialDelayMs: 1, onRetry: (_, attempt) => retries.push(attempt) },
    );
    expect(value).toBe('done');
    expect(retries).toEqual([1, 2]);
  });

  it('gives up at the deadline with the last error', async () => {
    await expect(retryWithBackoff(() => Promise.reject(new Error('down')), { initialDelayMs: 5, deadlineMs: 30 })).rejects.toThrow('down');
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const pending = retryWithBackoff(() => Promise.reject(new Error('down')), { initialDelayMs: 1000, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow('down');
  });
});
