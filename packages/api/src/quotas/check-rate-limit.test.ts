import { newId } from '@gguf/core';
import { closeRedis, createRedis } from '@gguf/redis';
import { testEnv } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRateLimit } from './check-rate-limit';

const redis = createRedis(testEnv('redisUrl'), 'test');
// The limiter skips counting while the connection is not ready (it fails open), so wait for it.
beforeAll(() => (redis.status === 'ready' ? undefined : new Promise<void>((resolve) => redis.once('ready', () => resolve()))));
afterAll(() => closeRedis(redis));

describe('checkRateLimit', () => {
  it('allows the limit per minute and window, then refuses with the seconds to wait', async () => {
    const actor = { type: 'api_key' as const, id: newId('apiKey') };
    const start = 1_800_000_000_000 - (1_800_000_000_000 % 60_000);
    for (let i = 0; i < 3; i++) await checkRateLimit(redis, actor, 3, start + 1_000);
    const refused = await checkRateLimit(redis, actor, 3, start + 45_000).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'rate_limited', status: 429, retryAfterSeconds: 15 });
    // Another caller has its own budget; the next minute starts afresh.
    await expect(checkRateLimit(redis, { type: 'api_key', id: newId('apiKey') }, 3, start + 45_000)).resolves.toBeUndefined();
    await expect(checkRateLimit(redis, actor, 3, start + 60_000)).resolves.toBeUndefined();
  });

  it('lets everything through while Redis is unreachable', async () => {
    const down = createRedis('redis://127.0.0.1:1', 'test-down');
    const actor = { type: 'admin_token' as const, id: null };
    for (let i = 0; i < 3; i++) await expect(checkRateLimit(down, actor, 1)).resolves.toBeUndefined();
    down.disconnect();
  });
});
