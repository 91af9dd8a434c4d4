import type { ApiKey } from '@gguf/db';
import { iso } from '../shared/fields';
import type { ApiKeyObject } from './schemas';

/** Never includes the hash: it is as good as the key to anyone who can query for it. */
export function serializeApiKey(row: ApiKey, usageThisMonth: number): ApiKeyObject {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    allowed_models: row.allowedModels,
    rate_limit_rpm: row.rateLimitRpm,
    max_concurrent_streams: row.maxConcurrentStreams,
    // Budgets are bounded far below 2^53 on the way in, where a JSON number is exact.
    token_budget: row.tokenBudget === null ? null : Number(row.tokenBudget),
    usage_this_month: usageThisMonth,
    created_at: row.createdAt.toISOString(),
    last_used_at: iso(row.lastUsedAt),
    expires_at: iso(row.expiresAt),
  };
}
