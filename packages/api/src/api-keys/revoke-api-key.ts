import { isId } from '@gguf/core';
import { writeAuditLog } from '../audit/write-audit-log';
import { type OrgScope, requireKeyManager } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import { announceKeyChange } from './announce-api-key';

/** Revokes a key and publishes the revocation, on which every gateway drops the key from its cache. */
export async function revokeApiKey(deps: ApiDeps, scope: OrgScope, id: string): Promise<{ id: string; revoked: true }> {
  requireKeyManager(scope);
  if (!isId('apiKey', id)) throw ApiError.notFound('API key', id);
  const hash = await deps.db.$transaction(async (tx) => {
    const { count } = await tx.apiKey.updateMany({ where: { id, orgId: scope.orgId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) throw ApiError.notFound('API key', id);
    await writeAuditLog(tx, { ...scope, action: 'api_key.revoke', targetType: 'api_key', targetId: id });
    const row = await tx.apiKey.findUniqueOrThrow({ where: { id }, select: { hash: true } });
    return row.hash;
  });
  await announceRevocation(deps, id, hash);
  return { id, revoked: true };
}

export async function announceRevocation(deps: ApiDeps, apiKeyId: string, hash: string): Promise<void> {
  await announceKeyChange(deps, { kind: 'revoked', apiKeyId, hash });
}
