import { generateApiKey, newId } from '@gguf/core';
import { writeAuditLog } from '../audit/write-audit-log';
import { type OrgScope, requireKeyManager } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { checkApiKeyQuota } from '../quotas/check-api-key-quota';
import { resolveAllowedModels } from './resolve-allowed-models';
import type { CreateApiKeyInput, CreatedApiKeyObject } from './schemas';
import { serializeApiKey } from './serialize-api-key';

/**
 * Mints a key: only its SHA-256 and a visible prefix are stored, in the same transaction as the
 * audit row. The secret is in the returned object and nowhere else, ever. Refused (409) once the
 * organization holds max_api_keys usable keys.
 */
export async function createApiKey(deps: ApiDeps, scope: OrgScope, input: CreateApiKeyInput): Promise<CreatedApiKeyObject> {
  requireKeyManager(scope);
  const secret = generateApiKey();
  const id = newId('apiKey');
  const row = await deps.db.$transaction(async (tx) => {
    await checkApiKeyQuota(tx, scope.orgId);
    const allowedModels = await resolveAllowedModels(tx, scope.orgId, input.allowed_models ?? []);
    const limits = {
      rateLimitRpm: input.rate_limit_rpm ?? null,
      maxConcurrentStreams: input.max_concurrent_streams ?? null,
      tokenBudget: input.token_budget == null ? null : BigInt(input.token_budget),
    };
    const created = await tx.apiKey.create({
      data: {
        id,
        orgId: scope.orgId,
        name: input.name,
        prefix: secret.prefix,
        hash: secret.hash,
        expiresAt: input.expires_at ? new Date(input.expires_at) : null,
        createdById: scope.actor.type === 'user' ? scope.actor.id : null,
        allowedModels,
        ...limits,
      },
    });
    await writeAuditLog(tx, {
      ...scope,
      action: 'api_key.create',
      targetType: 'api_key',
      targetId: id,
      details: {
        name: input.name,
        prefix: secret.prefix,
        allowed_models: allowedModels,
        rate_limit_rpm: limits.rateLimitRpm,
        max_concurrent_streams: limits.maxConcurrentStreams,
        token_budget: input.token_budget ?? null,
        expires_at: input.expires_at ?? null,
      },
    });
    return created;
  });
  return { ...serializeApiKey(row, 0), key: secret.key };
}
