import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type LocalRedis, startLocalRedis } from '@gguf/local-services';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './test/eventually';
import { startGatewayProcess } from './test/gateway-process';
import { type Harness, startHarness } from './test/harness';

/**
 * docs/gateway.md, "Limits": concurrent streams per key (GATEWAY_KEY_MAX_STREAMS), each admitted stream holding
 * a lease in Redis that its gateway renews while it runs, so a crashed gateway leaks its slot for one lease at
 * most; and stream admission that lets a stream through when Redis cannot be asked (down, or no answer within
 * 250 ms). The file has a Redis of its own, which it stops, freezes and starts again.
 */
const LEASE_MS = 60_000;
let dataDir: string;
let redisPort: number;
let redis: LocalRedis;
let h: Harness;
let child: ChildProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gguf-stream-lease-'));
  redisPort = await freePort();
  redis = await startLocalRedis({ dataDir, port: redisPort });
  h = await startHarness({ REDIS_URL: redis.url, GATEWAY_KEY_MAX_STREAMS: '1', GATEWAY_ORG_MAX_STREAMS: '0', GATEWAY_KEY_RPM: '0', GATEWAY_ORG_RPM: '0' });
}, 60_000);
afterAll(async () => {
  child?.kill('SIGKILL');
  if (redis?.process.child.pid) process.kill(redis.process.child.pid, 'SIGCONT');
  await h?.close();
  await redis?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const client = (key: string, baseUrl = h.url) => new OpenAI({ apiKey: key, baseURL: `${baseUrl}/api/gguf/${h.deploymentId}/v1`, maxRetries: 0 });
const ask = { model: 'local', messages: [{ role: 'user' as const, content: 'hi' }] };
/** A stream of 100 tokens, 300 ms apart: it runs for half a minute unless its caller leaves. */
const long = { ...ask, max_tokens: 100, ignore_eos: true, stream: true as const };
const slowly = { headers: { 'x-fake-token-delay-ms': '300' } };

/** A stream read to its end; false when it was refused. */
async function streamed(key: string, baseUrl = h.url): Promise<boolean> {
  const stream = await client(key, baseUrl)
    .chat.completions.create({ ...ask, stream: true })
    .catch((error: unknown) => {
      if (error instanceof OpenAI.RateLimitError) return undefined;
      throw error;
    });
  if (!stream) return false;
  for await (const _ of stream);
  return true;
}

/** Starts a long stream and returns once its first chunk arrived, with a way to leave it. */
async function startLong(key: string, baseUrl = h.url) {
  const stream = await client(key, baseUrl).chat.completions.create(long, slowly);
  const chunks = stream[Symbol.asyncIterator]();
  await chunks.next();
  return { leave: () => stream.controller.abort() };
}

const leasesOf = (apiKeyId: string) => h.redis.zrange(`${h.gateway.context.env.GATEWAY_RATE_LIMIT_PREFIX}:streams:key:${apiKeyId}`, 0, -1, 'WITHSCORES');

async function failOpenCount(): Promise<number> {
  const text = await (await fetch(`${h.url}/metrics`)).text();
  return Number(/^gateway_rate_limiter_fail_open_total (\d+)/m.exec(text)?.[1] ?? 0);
}

describe('the per-key stream limit (GATEWAY_KEY_MAX_STREAMS)', () => {
  it('refuses a key’s second concurrent stream, not another key’s nor a plain request, and frees the slot when the stream ends', async () => {
    const first = await h.createKey(h.orgId);
    const other = await h.createKey(h.orgId);
    const running = await startLong(first.key);
    const refused = await client(first.key).chat.completions.create({ ...ask, stream: true }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refused as InstanceType<typeof OpenAI.RateLimitError>).message).toContain('concurrent streams for this API key');
    expect(Number((refused as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(await streamed(other.key)).toBe(true);
    await expect(client(first.key).chat.completions.create(ask)).resolves.toMatchObject({ object: 'chat.completion' });
    running.leave();
    await eventually(async () => (await leasesOf(first.id)).length === 0);
    expect(await streamed(first.key)).toBe(true);
  });
});

describe('a stream’s lease', () => {
  it('is renewed while the stream runs', { timeout: 60_000 }, async () => {
    const { key, id } = await h.createKey(h.orgId);
    const running = await startLong(key);
    const [, first] = await leasesOf(id);
    expect(Number(first)).toBeGreaterThan(Date.now());
    expect(Number(first)).toBeLessThanOrEqual(Date.now() + LEASE_MS);
    // Renewed a third of the way through the lease: the expiry moves on while the stream still runs.
    await eventually(async () => Number((await leasesOf(id))[1] ?? 0) > Number(first), 40_000);
    expect(await streamed(key)).toBe(false);
    running.leave();
    await eventually(async () => (await leasesOf(id)).length === 0);
  });

  it('of a gateway killed mid-stream holds the slot until it lapses, at most one lease after the kill, and no longer', { timeout: 120_000 }, async () => {
    const { key, id } = await h.createKey(h.orgId);
    const doomed = await startGatewayProcess(h.gateway.context.env, { GATEWAY_KEY_MAX_STREAMS: '1', GATEWAY_ORG_MAX_STREAMS: '0' });
    child = doomed.child;
    await startLong(key, doomed.url);
    expect(await leasesOf(id)).toHaveLength(2);
    child!.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    const killedAt = Date.now();

    // Nobody renews it now, and nobody released it: the slot stays taken until the lease's expiry.
    expect(await streamed(key)).toBe(false);
    const [member, expiry] = await leasesOf(id);
    expect(Number(expiry)).toBeGreaterThan(killedAt);
    expect(Number(expiry)).toBeLessThanOrEqual(killedAt + LEASE_MS);
    // The lease as it stands once its expiry has passed (instead of waiting a minute): the slot is free again.
    await h.redis.zadd(`${h.gateway.context.env.GATEWAY_RATE_LIMIT_PREFIX}:streams:key:${id}`, 'XX', Date.now() - 1, member!);
    expect(await streamed(key)).toBe(true);
  });
});

describe('stream admission without Redis', () => {
  it('lets a stream through when Redis does not answer within 250 ms, and counts it', { timeout: 60_000 }, async () => {
    const { key } = await h.createKey(h.orgId);
    const before = await failOpenCount();
    const pid = redis.process.child.pid!;
    process.kill(pid, 'SIGSTOP');
    try {
      expect(await streamed(key)).toBe(true);
      expect(await failOpenCount()).toBeGreaterThan(before);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });

  it('lets streams through, beyond the key’s limit, while Redis is down, and counts them', { timeout: 60_000 }, async () => {
    const { key } = await h.createKey(h.orgId);
    const before = await failOpenCount();
    await redis.stop();
    try {
      const running = await startLong(key);
      // No count can be kept without Redis: a second stream of the key is let through too.
      expect(await streamed(key)).toBe(true);
      running.leave();
      expect(await failOpenCount()).toBeGreaterThanOrEqual(before + 2);
    } finally {
      redis = await startLocalRedis({ dataDir, port: redisPort });
    }
  });
});
