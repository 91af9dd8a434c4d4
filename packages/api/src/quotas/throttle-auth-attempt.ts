import { createHash } from 'node:crypto';
import { describeError } from '@gguf/core';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import { type RateLimitRule, refundRateLimit, takeRateLimit } from './check-rate-limit';

/** What an unauthenticated caller is trying: each has budgets of its own. */
export type AuthAttempt = 'sign_in' | 'sign_up' | 'invitation' | 'api_credentials';

export interface AuthThrottleLimits {
  /** Attempts per minute from one client address (AUTH_RATE_LIMIT_PER_ADDRESS, API_AUTH_FAILURES_PER_ADDRESS). */
  perAddress: number;
  /** Attempts per 15 minutes for one email address (AUTH_RATE_LIMIT_PER_ACCOUNT); sign-ins count only when they fail. */
  perAccount: number;
}

export interface AuthAttemptSource {
  /** The client's address, as the web app's front door resolved it. */
  address: string;
  /** The email address the attempt is for, when it names one. */
  account?: string;
}

const ADDRESS_WINDOW_MS = 60_000;
const ACCOUNT_WINDOW_MS = 15 * 60_000;

const WORDS: Record<AuthAttempt, { address: string; account: string }> = {
  sign_in: { address: 'Too many sign-in attempts from your address.', account: 'Too many failed sign-ins for this account.' },
  sign_up: { address: 'Too many sign-up attempts from your address.', account: 'Too many sign-up attempts for this email address.' },
  invitation: { address: 'Too many invitation attempts from your address.', account: 'Too many attempts for this invitation.' },
  api_credentials: { address: 'Too many requests without valid credentials from your address.', account: '' },
};

/** The budgets an attempt spends: its address's always, its account's when it names one. Emails are stored hashed. */
export function authAttemptRules(attempt: AuthAttempt, source: AuthAttemptSource, limits: AuthThrottleLimits): RateLimitRule[] {
  const rules: RateLimitRule[] = [
    { name: `auth:${attempt}:address`, subject: source.address, limit: limits.perAddress, windowMs: ADDRESS_WINDOW_MS, refusal: WORDS[attempt].address },
  ];
  const account = source.account?.trim().toLowerCase();
  if (account) {
    const subject = createHash('sha256').update(account).digest('hex').slice(0, 32);
    rules.push({ name: `auth:${attempt}:account`, subject, limit: limits.perAccount, windowMs: ACCOUNT_WINDOW_MS, refusal: WORDS[attempt].account });
  }
  return rules;
}

export interface AuthAttemptTicket {
  /** The attempt succeeded: the account's budget gets it back, so only failures lock an account. */
  succeeded(): Promise<void>;
}

/**
 * Spends one attempt before the expensive part (a 32 MiB scrypt hash, creating an account): 429
 * with Retry-After once the address or the account has spent its budget. Counted in Redis, shared
 * by every web instance; while Redis is unavailable it lets attempts through and logs a warning,
 * like the API's rate limit: a Redis outage must not lock everyone out.
 */
export async function throttleAuthAttempt(
  deps: Pick<ApiDeps, 'redis' | 'logger'>,
  attempt: AuthAttempt,
  source: AuthAttemptSource,
  limits: AuthThrottleLimits,
  now: number = Date.now(),
): Promise<AuthAttemptTicket> {
  const rules = authAttemptRules(attempt, source, limits);
  if (deps.redis.status !== 'ready') {
    deps.logger.warn({ attempt }, 'Redis is unavailable: sign-in and API-credential throttling is off until it is back');
    return { succeeded: async () => undefined };
  }
  try {
    for (const rule of rules) await takeRateLimit(deps.redis, rule, now);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    deps.logger.warn({ attempt, err: describeError(error) }, 'throttle check failed; letting the attempt through');
  }
  const accountRule = rules[1];
  return {
    async succeeded() {
      if (!accountRule) return;
      await refundRateLimit(deps.redis, accountRule, now).catch((error: unknown) => deps.logger.warn({ attempt, err: describeError(error) }, 'could not refund a throttled attempt'));
    },
  };
}
