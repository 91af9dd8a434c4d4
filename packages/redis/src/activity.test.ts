import { testEnv } from '@gguf/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { clearWake, INFLIGHT_TTL_MS, pendingWakes, readActivity, readServerActivity, requestWake, WAKE_CHANNEL, wakeWanted, writeActivity } from './activity';
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

describe('per-server activity', () => {
  it('sums each server over gateway instances, for several deployments at once, apart from the deployment totals', async () => {
    const [one, two] = [unique('one'), unique('two')];
    const [a1, a2, b1] = [unique('srv_a1'), unique('srv_a2'), unique('srv_b1')];
    await writeActivity(redis, 'gw-a', [{ deploymentId: one, inflight: 4 }], [
      { deploymentId: one, serverId: a1, inflight: 3 },
      { deploymentId: one, serverId: a2, inflight: 1 },
      { deploymentId: two, serverId: b1, inflight: 2 },
    ]);
    await writeActivity(redis, 'gw-b', [], [{ deploymentId: one, serverId: a1, inflight: 5 }]);
    expect(Object.fromEntries(await readServerActivity(redis, [one, two]))).toEqual({ [a1]: 8, [a2]: 1, [b1]: 2 });
    expect(Object.fromEntries(await readServerActivity(redis, [two]))).toEqual({ [b1]: 2 });
    // The deployment's own total is what its sample said, not the servers' counts added to it.
    expect((await readActivity(redis, [one])).get(one)?.inflight).toBe(4);
    // A server whose count fell to 0 on an instance stops counting there; the other instance's stays.
    await writeActivity(redis, 'gw-a', [], [{ deploymentId: one, serverId: a1, inflight: 0 }, { deploymentId: one, serverId: a2, inflight: 0 }]);
    expect(Object.fromEntries(await readServerActivity(redis, [one]))).toEqual({ [a1]: 5 });
    expect(await readServerActivity(redis, [])).toEqual(new Map());
  });

  it("ignores a dead instance's entries once they are older than the TTL, even while a live instance keeps the hash alive", async () => {
    const id = unique('dead');
    const server = unique('srv');
    const now = Date.now();
    await writeActivity(redis, 'gw-dead', [{ deploymentId: id, inflight: 7 }], [{ deploymentId: id, serverId: server, inflight: 7 }], now - INFLIGHT_TTL_MS - 1);
    await writeActivity(redis, 'gw-live', [{ deploymentId: id, inflight: 2 }], [{ deploymentId: id, serverId: server, inflight: 2 }], now);
    expect((await readServerActivity(redis, [id], now)).get(server)).toBe(2);
    // The deployment's total counts the live instance only, too: autoscaling and sleeping read it.
    expect((await readActivity(redis, [id], now)).get(id)?.inflight).toBe(2);
    expect((await readActivity(redis, [id], now + INFLIGHT_TTL_MS + 1)).get(id)?.inflight).toBe(0);
    // Read later, the live one's entry has outlived its last write too.
    expect((await readServerActivity(redis, [id], now + INFLIGHT_TTL_MS + 1)).get(server)).toBeUndefined();
    // The hash itself expires with the last write's TTL.
    const ttl = await redis.pttl(`gguf:server-inflight:${id}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(INFLIGHT_TTL_MS);
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
