import { isId } from '@gguf/core';
import type { ApiKey } from '@gguf/db';
import { iso } from '../shared/fields';
import type { ApiKeyObject } from './schemas';

/** Never includes the hash: it is as good as the key to anyone who can query for it. */
export function serializeApiKey(row: ApiKey): ApiKeyObject {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    deployment_ids: row.allowedModels.filter((entry) => isId('deployment', entry)).sort(),
    created_at: row.createdAt.toISOString(),
    last_used_at: iso(row.lastUsedAt),
    expires_at: iso(row.expiresAt),
  };
}
