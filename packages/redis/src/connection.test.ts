import { testEnv } from '@gguf/testkit';
import { describe, expect, it } from 'vitest';
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
    const redis = createRedis('redis://127.0.0.1:1', 'test');
    await new Promise((resolve) => redis.once('reconnecting', resolve));
    await closeRedis(redis);
    const attempts: unknown[] = [];
    redis.on('reconnecting', () => attempts.push(1));
    redis.on('error', () => attempts.push(1));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(attempts).toEqual([]);
  });
});
