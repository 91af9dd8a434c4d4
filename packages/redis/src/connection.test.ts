import { testEnv } from '@gguf/testkit';
import { describe, expect, it, vi } from 'vitest';
import { closeRedis, createRedis, pingRedis } from './connection';

describe('redis connection', () => {
  it('pings a live server', async () => {
    const redis = createRedis(testEnv('redisUrl'), 'test');
    await new Promise((resolve) => redis.once('ready', resolve));
    await expect(pingRedis(redis)).resolves.toBeUndefined();
    await closeRedis(redis);
    expect(redis.status).toBe('end');
  });

  it('reports a server that is down at once, with the reason, and closes without waiting', async () => {
    const redis = createRedis('redis://127.0.0.1:1', 'test');
    await new Promise((resolve) => redis.once('error', resolve));
    await expect(pingRedis(redis)).rejects.toThrow(/^not connected \(\w+\): .*ECONNREFUSED/);
    await closeRedis(redis);
    expect(redis.status).toBe('end');
  });

  it('closes while waiting to reconnect, and then stops trying', async () => {
    // ioredis schedules each retry with setTimeout: with the clock in the test's hands, every retry it could
    // still have pending comes due below, instead of a sleep that only shows a regression would take longer.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const redis = createRedis('redis://127.0.0.1:1', 'test');
      await new Promise((resolve) => redis.once('reconnecting', resolve));
      expect(vi.getTimerCount()).toBeGreaterThan(0);
      await closeRedis(redis);
      const attempts: string[] = [];
      for (const event of ['connecting', 'reconnecting', 'error']) redis.on(event, () => attempts.push(event));
      // Far past the longest backoff (5 s): a retry still scheduled would have run.
      await vi.advanceTimersByTimeAsync(60_000);
      expect(vi.getTimerCount()).toBe(0);
      expect(attempts).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
