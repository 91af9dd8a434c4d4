import type { Redis } from '@gguf/redis';
import type { Actor } from '../auth/principal';
import { ApiError } from '../errors/api-error';

const WINDOW_MS = 60_000;

/**
 * A fixed one-minute window per caller on the management API, counted in Redis so every web
 * instance shares it. It protects the control plane from a runaway script; the gateway has its own
 * limits for model traffic.
 */
export async function checkRateLimit(redis: Redis, actor: Actor, limitPerMinute: number, now: number = Date.now()): Promise<void> {
  // Fails open: commands on our connections wait for a reconnect, and a Redis outage must not hold every request.
  if (redis.status !== 'ready') return;
  const window = Math.floor(now / WINDOW_MS);
  const key = `gguf:api-rate:${actor.type}:${actor.id ?? '-'}:${window}`;
  const replies = await redis.multi().incr(key).pexpire(key, WINDOW_MS * 2).exec();
  const count = Number(replies?.[0]?.[1] ?? 0);
  if (count > limitPerMinute) {
    const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
    throw new ApiError(
      'rate_limited',
      `Too many requests: the API allows ${limitPerMinute} requests per minute per caller. Retry in ${retryAfterSeconds} s.`,
      undefined,
      retryAfterSeconds,
    );
  }
}
