import { backoffDelay, describeError } from '@gguf/core';
import { Redis } from 'ioredis';

export type { Redis };

// Kept on the connection itself: bundlers (Next.js) may load this module more than once per process.
const LAST_ERROR = Symbol.for('gguf.redis.lastError');
type Tracked = Redis & { [LAST_ERROR]?: string };

/**
 * An ioredis connection that reconnects forever with capped backoff. `maxRetriesPerRequest: null`
 * is what BullMQ requires of connections it blocks on; commands issued while Redis is down wait
 * for the reconnect, so health checks look at the connection state instead of sending a command.
 */
export function createRedis(url: string, connectionName: string): Redis {
  const redis = new Redis(url, {
    connectionName,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (attempt) => backoffDelay(attempt, 200, 5_000),
  });
  redis.on('error', (error) => ((redis as Tracked)[LAST_ERROR] = describeError(error)));
  redis.on('ready', () => delete (redis as Tracked)[LAST_ERROR]);
  return redis;
}

/** Resolves when Redis answers PING; fails at once, with the last connection error, while it is down. */
export async function pingRedis(redis: Redis): Promise<void> {
  const lastError = (redis as Tracked)[LAST_ERROR];
  if (redis.status !== 'ready') throw new Error(`not connected (${redis.status})${lastError ? `: ${lastError}` : ''}`);
  const reply = await redis.ping();
  if (reply !== 'PONG') throw new Error(`unexpected PING reply: ${reply}`);
}

/** Closes gracefully when connected; drops the connection (and its reconnect loop) when not. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'reconnecting') {
    // Between attempts there is no socket: disconnect() only cancels the pending retry, and ioredis
    // emits no 'end' for that, so there is nothing to wait for.
    redis.disconnect();
    return;
  }
  const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
  await ended;
}
