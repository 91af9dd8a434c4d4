import { type GatewayError, gatewayError } from '../http/errors';
import type { LimitDecision } from './rate-limiter';

const MESSAGES = {
  key_rpm: 'Rate limit reached for this API key (requests per minute).',
  org_rpm: 'Rate limit reached for this organization (requests per minute).',
  key_streams: 'Too many concurrent streams for this API key.',
  org_streams: 'Too many concurrent streams for this organization.',
} as const;

/** The 429 for a refused request, with the Retry-After that fits the limit that refused it. */
export function refusalError(decision: LimitDecision, now = Date.now()): GatewayError {
  const refusedBy = decision.refusedBy ?? 'org_rpm';
  if (refusedBy === 'key_budget') {
    const { limit, used, resetsAt } = decision.budget!;
    const message = `This API key has used ${used} of its monthly token budget of ${limit} tokens (input + output). The budget resets at ${new Date(resetsAt).toISOString()}.`;
    return gatewayError(429, 'token_budget_exceeded', message, Math.max(1, Math.ceil((resetsAt - now) / 1000)));
  }
  const retryAfter = refusedBy.endsWith('rpm') ? (decision.requests?.resetSeconds ?? 60) : 1;
  return gatewayError(429, 'rate_limit_exceeded', MESSAGES[refusedBy], retryAfter);
}
