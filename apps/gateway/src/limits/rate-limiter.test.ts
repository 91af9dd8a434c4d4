import { createLogger } from '@gguf/core';
import { freePort } from '@gguf/local-services';
import { closeRedis, createRedis } from '@gguf/redis';
import { testEnv } from '@gguf/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../test/eventually';
import { type Limits, RateLimiter } from './rate-limiter';

const logger = createLogger('rate-limiter-test', 'silent');
const limits: Limits = { keyRpm: 3, orgRpm: 0, keyMaxStreams: 0, orgMaxStreams: 0, tokenBudget: null };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The middle of the current minute, held still: no minute boundary can fall between a test's requests. */
const MINUTE = Math.floor(Date.now() / 60_000);
const clock = () => MINUTE * 60_000 + 30_000;

function limiter(redisUrl: string, onFailOpen?: (requests: number) => void, prefix = `test:${Math.random().toString(36).slice(2)}`) {
  const redis = createRedis(redisUrl, 'rate-limiter-test');
  redis.on('error', () => undefined);
  const instance = new RateLimiter(redis, prefix, logger, onFailOpen, undefined, clock);
  cleanups.push(async () => {
    instance.close();
    await closeRedis(redis);
  });
  return { instance, redis, prefix };
}

const request = (apiKeyId: string) => ({ requestId: `req-${Math.random()}`, apiKeyId, orgId: 'org-1', streamed: false, limits });

describe('RateLimiter', () => {
  it('sends the requests of many checks to Redis as one count per key', async () => {
    const { instance, redis, prefix } = limiter(testEnv('redisUrl'));
    await eventually(async () => redis.status === 'ready');
    for (let i = 0; i < 3; i++) expect((await instance.check(request('key-a'))).allowed).toBe(true);
    expect((await instance.check(request('key-a'))).allowed).toBe(false);
    await eventually(async () => (await redis.get(`${prefix}:rpm:key:key-a:${MINUTE}`)) === '3');
  });

  it('lets several instances share one count: each learns the others’ requests from its next batch', async () => {
    const first = limiter(testEnv('redisUrl'));
    const second = limiter(testEnv('redisUrl'), undefined, first.prefix);
    await eventually(async () => first.redis.status === 'ready' && second.redis.status === 'ready');
    for (let i = 0; i < 2; i++) expect((await first.instance.check(request('key-c'))).allowed).toBe(true);
    await first.instance.sendCounts();
    // On its own the second instance would admit three; it admits one, and hears of the first one's two.
    expect((await second.instance.check(request('key-c'))).allowed).toBe(true);
    await second.instance.sendCounts();
    expect(await second.instance.check(request('key-c'))).toMatchObject({ allowed: false, refusedBy: 'key_rpm' });
  });

  it('keeps enforcing its own count and reports the unchecked requests while Redis is down', async () => {
    let unchecked = 0;
    const { instance } = limiter(`redis://127.0.0.1:${await freePort()}`, (requests) => (unchecked += requests));
    for (let i = 0; i < 3; i++) expect((await instance.check(request('key-b'))).allowed).toBe(true);
    await eventually(async () => unchecked === 3);
    const refused = await instance.check(request('key-b'));
    expect(refused).toMatchObject({ allowed: false, refusedBy: 'key_rpm' });
  });
});
