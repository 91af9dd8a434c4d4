import { generateApiKey, newId } from '@gguf/core';
import { writeAuditLog } from '../audit/write-audit-log';
import { type OrgScope, requireKeyManager } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import { LIVE_DEPLOYMENT } from '../deployments/find-deployment';
import { checkApiKeyQuota } from '../quotas/check-api-key-quota';
import type { CreateApiKeyInput, CreatedApiKeyObject } from './schemas';
import { serializeApiKey } from './serialize-api-key';

/**
 * Mints a key: only its SHA-256 and a visible prefix are stored, in the same transaction as the
 * audit row. The secret is in the returned object and nowhere else, ever. Refused (409) once the
 * organization holds max_api_keys usable keys.
 */
export async function createApiKey(deps: ApiDeps, scope: OrgScope, input: CreateApiKeyInput): Promise<CreatedApiKeyObject> {
  requireKeyManager(scope);
  const deploymentIds = [...new Set(input.deployment_ids ?? [])];
  const secret = generateApiKey();
  const id = newId('apiKey');
  const row = await deps.db.$transaction(async (tx) => {
    await checkApiKeyQuota(tx, scope.orgId);
    if (deploymentIds.length > 0) {
      const owned = await tx.deployment.findMany({ where: { id: { in: deploymentIds }, orgId: scope.orgId, ...LIVE_DEPLOYMENT }, select: { id: true } });
      const ownedIds = new Set(owned.map((d) => d.id));
      const missing = deploymentIds.findIndex((d) => !ownedIds.has(d));
      if (missing >= 0) {
        const error = ApiError.notFound('deployment', deploymentIds[missing] ?? '');
        throw new ApiError(error.code, error.message, `deployment_ids.${(input.deployment_ids ?? []).indexOf(deploymentIds[missing] ?? '')}`);
      }
    }
    const created = await tx.apiKey.create({
      data: {
        id,
        orgId: scope.orgId,
        name: input.name,
        prefix: secret.prefix,
        hash: secret.hash,
        expiresAt: input.expires_at ? new Date(input.expires_at) : null,
        createdById: scope.actor.type === 'user' ? scope.actor.id : null,
        allowedModels: deploymentIds,
      },
    });
    await writeAuditLog(tx, {
      ...scope,
      action: 'api_key.create',
      targetType: 'api_key',
      targetId: id,
      details: { name: input.name, prefix: secret.prefix, deployment_ids: deploymentIds, expires_at: input.expires_at ?? null },
    });
    return created;
  });
  return { ...serializeApiKey(row), key: secret.key };
}
