import type { Redis } from '@gguf/redis';
import type { Actor } from '../auth/principal';
import { ApiError } from '../errors/api-error';

/** One counted budget: `limit` events per fixed window of `windowMs` for one subject (a caller, an address, an email). */
export interface RateLimitRule {
  /** What is counted; part of the Redis key, e.g. "api-rate" or "sign-in:address". */
  name: string;
  subject: string;
  limit: number;
  windowMs: number;
  /** The 429's words before "Retry in N s.", e.g. "Too many sign-in attempts from your address." */
  refusal: string;
}

/*
 * Fixed windows counted in Redis, so every web instance shares them. Each function skips the
 * count while the connection is not ready (fails open): commands on our connections wait for a
 * reconnect, and a Redis outage must not hold every request. Errors are the caller's to log.
 */

const API_WINDOW_MS = 60_000;

function windowOf(rule: RateLimitRule, now: number) {
  const window = Math.floor(now / rule.windowMs);
  const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * rule.windowMs - now) / 1000));
  return { key: `gguf:${rule.name}:${rule.subject}:${window}`, retryAfterSeconds };
}

function refused(rule: RateLimitRule, retryAfterSeconds: number): ApiError {
  return new ApiError('rate_limited', `${rule.refusal} Retry in ${retryAfterSeconds} s.`, undefined, retryAfterSeconds);
}

/** Counts one event and refuses it (429 with Retry-After) when it goes past the rule's limit. */
export async function takeRateLimit(redis: Redis, rule: RateLimitRule, now: number = Date.now()): Promise<void> {
  if (redis.status !== 'ready') return;
  const { key, retryAfterSeconds } = windowOf(rule, now);
  const replies = await redis.multi().incr(key).pexpire(key, rule.windowMs * 2).exec();
  if (Number(replies?.[0]?.[1] ?? 0) > rule.limit) throw refused(rule, retryAfterSeconds);
}

/** Gives one event back, e.g. a sign-in that turned out to be right: only failures spend the budget. */
export async function refundRateLimit(redis: Redis, rule: RateLimitRule, now: number = Date.now()): Promise<void> {
  if (redis.status !== 'ready') return;
  await redis.decr(windowOf(rule, now).key);
}

/**
 * A fixed one-minute window per caller on the management API. It protects the control plane from
 * a runaway script; the gateway has its own limits for model traffic.
 */
export async function checkRateLimit(redis: Redis, actor: Actor, limitPerMinute: number, now: number = Date.now()): Promise<void> {
  await takeRateLimit(
    redis,
    {
      name: 'api-rate',
      subject: `${actor.type}:${actor.id ?? '-'}`,
      limit: limitPerMinute,
      windowMs: API_WINDOW_MS,
      refusal: `Too many requests: the API allows ${limitPerMinute} requests per minute per caller.`,
    },
    now,
  );
}
