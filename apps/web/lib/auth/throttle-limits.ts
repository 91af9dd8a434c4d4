import type { AuthAttempt, AuthThrottleLimits } from '@gguf/api';
import type { WebEnv } from '../server/env';

/** The web env's budgets for each kind of unauthenticated attempt. */
export function authThrottleLimits(env: WebEnv, attempt: AuthAttempt): AuthThrottleLimits {
  // An API call names no account: only its address's budget applies.
  if (attempt === 'api_credentials') return { perAddress: env.API_AUTH_FAILURES_PER_ADDRESS, perAccount: env.API_AUTH_FAILURES_PER_ADDRESS };
  return { perAddress: env.AUTH_RATE_LIMIT_PER_ADDRESS, perAccount: env.AUTH_RATE_LIMIT_PER_ACCOUNT };
}
