import type { Redis } from './connection';

/**
 * What gateways tell workers about traffic, through Redis: each deployment's requests in flight
 * (per gateway instance, so one that dies stops counting when its entry's deadline passes), the time of its
 * last request, and the wakes that requests to sleeping deployments ask for. Gateways write in
 * batches; the worker's cluster loop reads when it decides to sleep, wake or scale. Requests in flight
 * per server are kept apart (for the API's replica list), so the deployment's total is never counted twice.
 */
/**
 * Hash: `<instance>` → `<count>|<deadline ms>`. Each entry carries its own deadline, so a dead instance's
 * stops counting even while live ones keep the key alive (the key's own TTL only cleans up).
 */
const inflightKey = (deploymentId: string) => `gguf:inflight:${deploymentId}`;
/** Hash: `<instance>|<server>` → `<count>|<deadline ms>`, counted the same way. */
const serverInflightKey = (deploymentId: string) => `gguf:server-inflight:${deploymentId}`;
const lastRequestKey = (deploymentId: string) => `gguf:last-request:${deploymentId}`;
/** Sorted set: deployment id → the time (ms) until which a held request waits for it. */
const WAKES_KEY = 'gguf:wakes';
/** Pub/sub: a deployment id, published with every new wake so a worker places it at once. */
export const WAKE_CHANNEL = 'gguf:wake';

/** An instance's in-flight entry outlives its last flush by this long: a gateway that died stops counting then. */
export const INFLIGHT_TTL_MS = 15_000;
/** Longer than the longest `scale_down_after_s` allowed: an expired time means "idle for longer than that". */
const LAST_REQUEST_TTL_MS = 2 * 24 * 3_600_000;

export interface ActivitySample {
  deploymentId: string;
  /** Requests of this gateway instance in flight (held ones included). */
  inflight: number;
  /** The last request's arrival (epoch ms), when one arrived since the last flush. */
  lastRequestAt?: number;
}

/** Requests of one gateway instance in flight on one server (forwarded to it, until the try ends). */
export interface ServerActivitySample {
  deploymentId: string;
  serverId: string;
  /** 0 clears the instance's entry for the server. */
  inflight: number;
}

/** An entry of an in-flight hash: the count, and until when it counts. */
const entry = (inflight: number, now: number) => `${inflight}|${now + INFLIGHT_TTL_MS}`;

/** What an entry still counts at `now`: 0 once its deadline passed (its gateway stopped writing: dead). */
function liveCount(value: string, now: number): number {
  const [count = 0, deadline = 0] = value.split('|').map(Number);
  return count > 0 && deadline > now ? count : 0;
}

/**
 * One gateway instance's batch, per deployment and per server: a single round trip whatever its size.
 * `now` (epoch ms) dates the entries, which count until `now + INFLIGHT_TTL_MS`.
 */
export async function writeActivity(
  redis: Redis,
  instanceId: string,
  samples: readonly ActivitySample[],
  servers: readonly ServerActivitySample[] = [],
  now = Date.now(),
): Promise<void> {
  if (samples.length === 0 && servers.length === 0) return;
  const batch = redis.pipeline();
  for (const sample of samples) {
    const key = inflightKey(sample.deploymentId);
    if (sample.inflight > 0) batch.hset(key, instanceId, entry(sample.inflight, now)).pexpire(key, INFLIGHT_TTL_MS);
    else batch.hdel(key, instanceId);
    if (sample.lastRequestAt !== undefined) batch.set(lastRequestKey(sample.deploymentId), String(sample.lastRequestAt), 'PX', LAST_REQUEST_TTL_MS);
  }
  for (const sample of servers) {
    const key = serverInflightKey(sample.deploymentId);
    const field = `${instanceId}|${sample.serverId}`;
    if (sample.inflight > 0) batch.hset(key, field, entry(sample.inflight, now)).pexpire(key, INFLIGHT_TTL_MS);
    else batch.hdel(key, field);
  }
  await batch.exec();
}

export interface DeploymentActivity {
  /** Requests in flight over every gateway instance. */
  inflight: number;
  /** Epoch ms of the last request; undefined when none came for days (or ever). */
  lastRequestAt: number | undefined;
}

export async function readActivity(redis: Redis, deploymentIds: readonly string[], now = Date.now()): Promise<Map<string, DeploymentActivity>> {
  const result = new Map<string, DeploymentActivity>();
  if (deploymentIds.length === 0) return result;
  const batch = redis.pipeline();
  for (const id of deploymentIds) batch.hvals(inflightKey(id)).get(lastRequestKey(id));
  const replies = (await batch.exec()) ?? [];
  deploymentIds.forEach((id, i) => {
    const counts = (replies[2 * i]?.[1] as string[] | null) ?? [];
    const last = replies[2 * i + 1]?.[1] as string | null | undefined;
    result.set(id, { inflight: counts.reduce((sum, value) => sum + liveCount(value, now), 0), lastRequestAt: last ? Number(last) : undefined });
  });
  return result;
}

/**
 * Requests in flight per server id, summed over the gateway instances whose entries are still alive at `now`,
 * for a set of deployments in one round trip. A server with none has no entry.
 */
export async function readServerActivity(redis: Redis, deploymentIds: readonly string[], now = Date.now()): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  if (deploymentIds.length === 0) return result;
  const batch = redis.pipeline();
  for (const id of deploymentIds) batch.hgetall(serverInflightKey(id));
  for (const [error, reply] of (await batch.exec()) ?? []) {
    if (error) throw error;
    for (const [field, value] of Object.entries(reply as Record<string, string>)) {
      const serverId = field.slice(field.lastIndexOf('|') + 1);
      const count = liveCount(value, now);
      if (count > 0) result.set(serverId, (result.get(serverId) ?? 0) + count);
    }
  }
  return result;
}

/** A request waits for a sleeping deployment until `until` (epoch ms): ask the workers to wake it. */
export async function requestWake(redis: Redis, deploymentId: string, until: number): Promise<void> {
  await redis.pipeline().zadd(WAKES_KEY, 'GT', until, deploymentId).publish(WAKE_CHANNEL, deploymentId).exec();
}

/** Whether a request still waits for this deployment. */
export async function wakeWanted(redis: Redis, deploymentId: string, now = Date.now()): Promise<boolean> {
  const until = await redis.zscore(WAKES_KEY, deploymentId);
  return until !== null && Number(until) > now;
}

/** Deployments some request still waits for; wakes nobody waits for any more are dropped. */
export async function pendingWakes(redis: Redis, now = Date.now()): Promise<string[]> {
  const replies = (await redis.pipeline().zremrangebyscore(WAKES_KEY, '-inf', now).zrangebyscore(WAKES_KEY, now, '+inf').exec()) ?? [];
  return (replies[1]?.[1] as string[] | undefined) ?? [];
}

/** The deployment is on its way up: its wake is answered. */
export async function clearWake(redis: Redis, deploymentId: string): Promise<void> {
  await redis.zrem(WAKES_KEY, deploymentId);
}
