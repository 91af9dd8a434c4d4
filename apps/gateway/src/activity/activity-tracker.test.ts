import { createLogger } from '@gguf/core';
import { closeRedis, createRedis, readActivity, readServerActivity } from '@gguf/redis';
import { testEnv } from '@gguf/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startLocalRedis } from '@gguf/local-services';
import { Balancer } from '../balancing/balancer';
import { UpstreamEjections } from '../failover/upstream-ejections';
import { createMetrics } from '../metrics';
import { ActivityTracker } from './activity-tracker';

const redis = createRedis(testEnv('redisUrl'), 'activity-test');
afterAll(() => closeRedis(redis));
const unique = (name: string) => `dep_${name}_${process.hrtime.bigint()}`;
const silent = createLogger('activity-test', 'silent');
/** Flushes only when the test says so. */
const manual = { flushMs: 3_600_000 };
const newBalancer = () => new Balancer(new UpstreamEjections(1_000), createMetrics());
/** Requests in flight per server over every gateway instance, as the API reads them. */
const perServer = async (client: typeof redis, ...deploymentIds: string[]) => Object.fromEntries(await readServerActivity(client, deploymentIds));

describe('the activity tracker', () => {
  it('writes in-flight counts and the last request time in one flush, then a drop to 0 once, then nothing', async () => {
    const tracker = new ActivityTracker(redis, silent, manual);
    const [busy, quiet] = [unique('busy'), unique('quiet')];
    const before = Date.now();
    const ends = [tracker.begin(busy), tracker.begin(busy), tracker.begin(quiet)];
    expect(tracker.inflight(busy)).toBe(2);
    await tracker.flush();
    const seen = await readActivity(redis, [busy, quiet]);
    expect(seen.get(busy)?.inflight).toBe(2);
    expect(seen.get(busy)?.lastRequestAt).toBeGreaterThanOrEqual(before);
    expect(seen.get(quiet)?.inflight).toBe(1);

    ends[0]?.();
    ends[0]?.(); // ending twice counts once
    ends[2]?.();
    await tracker.flush();
    expect((await readActivity(redis, [busy])).get(busy)?.inflight).toBe(1);
    expect((await readActivity(redis, [quiet])).get(quiet)).toMatchObject({ inflight: 0, lastRequestAt: seen.get(quiet)?.lastRequestAt });
    // quiet's 0 went out: it is forgotten, so another instance's count written meanwhile is not overwritten.
    await redis.hset(`gguf:inflight:${quiet}`, tracker.instanceId, `7|${Date.now() + 15_000}`);
    await tracker.flush();
    expect((await readActivity(redis, [quiet])).get(quiet)?.inflight).toBe(7);
    await tracker.close();
  });

  it('sends only deployments that changed since the last flush', async () => {
    const tracker = new ActivityTracker(redis, silent, manual);
    const [steady, moving] = [unique('steady'), unique('moving')];
    tracker.begin(steady);
    await tracker.flush();
    // Changed behind the tracker's back: an unchanged deployment is not written again, so this survives the flush.
    await redis.hset(`gguf:inflight:${steady}`, tracker.instanceId, `5|${Date.now() + 15_000}`);
    const end = tracker.begin(moving);
    await tracker.flush();
    expect((await readActivity(redis, [steady, moving])).get(steady)?.inflight).toBe(5);
    expect((await readActivity(redis, [moving])).get(moving)?.inflight).toBe(1);
    end();
    await tracker.close();
    // The final flush at close wrote moving's 0.
    expect((await readActivity(redis, [moving])).get(moving)?.inflight).toBe(0);
  });

  it('names each gateway process differently, so their counts add up, per deployment and per server', async () => {
    const [balancerA, balancerB] = [newBalancer(), newBalancer()];
    const [a, b] = [new ActivityTracker(redis, silent, { ...manual, servers: balancerA }), new ActivityTracker(redis, silent, { ...manual, servers: balancerB })];
    expect(a.instanceId).not.toBe(b.instanceId);
    const id = unique('shared');
    const server = unique('srv');
    a.begin(id);
    b.begin(id);
    balancerA.enter(server, id);
    balancerB.enter(server, id);
    await Promise.all([a.flush(), b.flush()]);
    expect((await readActivity(redis, [id])).get(id)?.inflight).toBe(2);
    expect(await perServer(redis, id)).toEqual({ [server]: 2 });
    await Promise.all([a.close(), b.close()]);
  });

  it("writes the balancer's counts per server in the same flush, only when they change, and clears a server whose count fell to 0", async () => {
    const balancer = newBalancer();
    const tracker = new ActivityTracker(redis, silent, { ...manual, servers: balancer });
    const [id, other] = [unique('spread'), unique('other')];
    const [first, second, third] = [unique('srv_1'), unique('srv_2'), unique('srv_3')];
    tracker.begin(id);
    tracker.begin(id);
    const leaveFirst = [balancer.enter(first, id), balancer.enter(first, id)];
    const leaveSecond = balancer.enter(second, id);
    // A request forwarded without counting for the deployment (a GET) still counts on its server.
    const leaveThird = balancer.enter(third, other);
    await tracker.flush();
    expect(await perServer(redis, id, other)).toEqual({ [first]: 2, [second]: 1, [third]: 1 });
    // The deployment's total is its own count, not one added up with its servers'.
    expect((await readActivity(redis, [id, other])).get(id)?.inflight).toBe(2);
    expect((await readActivity(redis, [other])).get(other)?.inflight).toBe(0);

    // Changed behind the tracker's back: an unchanged count is not written again, so this survives the flush.
    const thirdField = `${tracker.instanceId}|${third}`;
    const [, deadline] = ((await redis.hget(`gguf:server-inflight:${other}`, thirdField)) ?? '').split('|');
    await redis.hset(`gguf:server-inflight:${other}`, thirdField, `9|${deadline}`);
    leaveSecond();
    leaveSecond(); // leaving twice counts once
    leaveFirst[0]?.();
    await tracker.flush();
    expect(await perServer(redis, id, other)).toEqual({ [first]: 1, [third]: 9 });
    expect(await redis.hexists(`gguf:server-inflight:${id}`, `${tracker.instanceId}|${second}`)).toBe(0);

    leaveFirst[1]?.();
    leaveThird();
    await tracker.flush();
    expect(await perServer(redis, id, other)).toEqual({});
    // Cleared, not written as zeros: the hashes are gone with their last entries.
    expect(await redis.exists(`gguf:server-inflight:${id}`, `gguf:server-inflight:${other}`)).toBe(0);
    // Nothing changed since: a flush writes nothing, and an entry written meanwhile by another instance stays.
    await redis.hset(`gguf:server-inflight:${id}`, `gw-other|${first}`, `4|${Date.now() + 60_000}`);
    await tracker.flush();
    expect(await perServer(redis, id)).toEqual({ [first]: 4 });
    await tracker.close();
  });

  it('keeps counting while Redis is down, logs the outage once, and writes the latest counts when it is back', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gguf-activity-'));
    const port = await freePort();
    let own = await startLocalRedis({ dataDir, port });
    const lines: string[] = [];
    const logger = createLogger('activity-test', 'info', { write: (line: string) => void lines.push(line) });
    const client = createRedis(own.url, 'activity-outage-test');
    client.on('error', () => undefined);
    const balancer = newBalancer();
    const tracker = new ActivityTracker(client, logger, { flushMs: 20, servers: balancer });
    const id = unique('outage');
    const [before, during] = [unique('srv_before'), unique('srv_during')];
    try {
      const first = tracker.begin(id);
      const leaveBefore = balancer.enter(before, id);
      await tracker.flush();
      await own.stop();
      const second = tracker.begin(id);
      const leaveDuring = balancer.enter(during, id);
      first();
      leaveBefore();
      const outage = () => lines.filter((line) => line.includes('could not write activity')).length;
      // Requests go on while writes fail: begin and end never wait for Redis.
      await eventuallyTrue(() => outage() === 1);
      for (let i = 0; i < 5; i++) tracker.begin(id)();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(outage()).toBe(1);
      own = await startLocalRedis({ dataDir, port });
      await eventuallyTrue(() => lines.some((line) => line.includes('activity is written to redis again')));
      await tracker.flush();
      expect((await readActivity(client, [id])).get(id)?.inflight).toBe(1);
      // The latest per-server counts went out too: the server left meanwhile counts no more, the new one does.
      expect(await perServer(client, id)).toEqual({ [during]: 1 });
      second();
      leaveDuring();
      await tracker.flush();
      expect((await readActivity(client, [id])).get(id)?.inflight).toBe(0);
      expect(await perServer(client, id)).toEqual({});
    } finally {
      await tracker.close();
      await closeRedis(client);
      await own.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

async function eventuallyTrue(check: () => boolean, deadlineMs = 20_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`condition not met within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
