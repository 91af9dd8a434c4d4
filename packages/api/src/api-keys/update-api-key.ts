import { isId } from '@gguf/core';
import { writeAuditLog } from '../audit/write-audit-log';
import { type OrgScope, requireKeyManager } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import { announceKeyChange } from './announce-api-key';
import { resolveAllowedModels } from './resolve-allowed-models';
import type { ApiKeyObject, UpdateApiKeyInput } from './schemas';
import { serializeApiKey } from './serialize-api-key';
import { usageThisMonth } from './usage-this-month';

const FIELDS = ['name', 'allowed_models', 'rate_limit_rpm', 'max_concurrent_streams', 'token_budget'] as const;

/**
 * Renames a key or changes what it may call and its limits. The change is audited (the values, never
 * the secret) and published, so every gateway re-reads the key at its next request. A revoked key, a
 * playground key and another organization's key answer 404.
 */
export async function updateApiKey(deps: ApiDeps, scope: OrgScope, id: string, input: UpdateApiKeyInput): Promise<ApiKeyObject> {
  requireKeyManager(scope);
  if (!isId('apiKey', id)) throw ApiError.notFound('API key', id);
  const row = await deps.db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM api_keys WHERE id = ${id} FOR UPDATE`;
    const current = await tx.apiKey.findFirst({ where: { id, orgId: scope.orgId, revokedAt: null, ephemeral: false } });
    if (!current) throw ApiError.notFound('API key', id);
    const allowedModels = input.allowed_models === undefined ? undefined : await resolveAllowedModels(tx, scope.orgId, input.allowed_models);
    const updated = await tx.apiKey.update({
      where: { id },
      data: {
        name: input.name,
        allowedModels,
        rateLimitRpm: input.rate_limit_rpm,
        maxConcurrentStreams: input.max_concurrent_streams,
        tokenBudget: input.token_budget == null ? input.token_budget : BigInt(input.token_budget),
      },
    });
    const changed = FIELDS.filter((field) => input[field] !== undefined);
    const values = { ...input, ...(allowedModels ? { allowed_models: allowedModels } : {}) };
    await writeAuditLog(tx, { ...scope, action: 'api_key.update', targetType: 'api_key', targetId: id, details: { changed, ...values } });
    return updated;
  });
  await announceKeyChange(deps, { kind: 'updated', apiKeyId: id, hash: row.hash });
  return serializeApiKey(row, (await usageThisMonth(deps.db, [id])).get(id) ?? 0);
}
