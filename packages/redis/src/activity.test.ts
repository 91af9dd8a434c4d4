import { testEnv } from '@gguf/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { clearWake, pendingWakes, readActivity, requestWake, WAKE_CHANNEL, wakeWanted, writeActivity } from './activity';
import { closeRedis, createRedis } from './connection';

const redis = createRedis(testEnv('redisUrl'), 'test');
afterAll(() => closeRedis(redis));
const unique = (name: string) => `dep_${name}_${process.hrtime.bigint()}`;

describe('gateway activity', () => {
  it('sums in-flight requests over gateway instances and keeps the last request time', async () => {
    const [busy, quiet, unknown] = [unique('busy'), unique('quiet'), unique('unknown')];
    await writeActivity(redis, 'gw-a', [{ deploymentId: busy, inflight: 3, lastRequestAt: 1_000 }, { deploymentId: quiet, inflight: 0, lastRequestAt: 5_000 }]);
    await writeActivity(redis, 'gw-b', [{ deploymentId: busy, inflight: 2, lastRequestAt: 2_000 }]);
    const seen = await readActivity(redis, [busy, quiet, unknown]);
    expect(seen.get(busy)).toEqual({ inflight: 5, lastRequestAt: 2_000 });
    expect(seen.get(quiet)).toEqual({ inflight: 0, lastRequestAt: 5_000 });
    expect(seen.get(unknown)).toEqual({ inflight: 0, lastRequestAt: undefined });
    // An instance whose requests all finished stops counting; the time of the last request stays.
    await writeActivity(redis, 'gw-a', [{ deploymentId: busy, inflight: 0 }]);
    expect((await readActivity(redis, [busy])).get(busy)).toEqual({ inflight: 2, lastRequestAt: 2_000 });
  });
});

describe('wakes', () => {
  it('are announced, wanted until the latest deadline asked, and forgotten once answered or expired', async () => {
    const subscriber = createRedis(testEnv('redisUrl'), 'test-wake');
    const heard: string[] = [];
    subscriber.on('message', (_channel, id: string) => heard.push(id));
    await subscriber.subscribe(WAKE_CHANNEL);
    try {
      const [asleep, expired] = [unique('asleep'), unique('expired')];
      const now = Date.now();
      await requestWake(redis, asleep, now + 60_000);
      await requestWake(redis, asleep, now + 30_000); // an earlier deadline does not shorten the wait
      await requestWake(redis, expired, now - 1);
      expect(await wakeWanted(redis, asleep, now + 45_000)).toBe(true);
      expect(await wakeWanted(redis, expired)).toBe(false);
      const waiting = await pendingWakes(redis);
      expect(waiting).toContain(asleep);
      expect(waiting).not.toContain(expired);
      await clearWake(redis, asleep);
      expect(await wakeWanted(redis, asleep)).toBe(false);
      await expect.poll(() => heard.filter((id) => id === asleep).length).toBe(2);
    } finally {
      await closeRedis(subscriber);
    }
  });
});
