import { describeError, hashApiKey, isWellFormedApiKey } from '@gguf/core';
import type { ApiKey } from '@gguf/db';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import type { OrgScope } from './principal';

/** last_used_at is a hint for people, not an audit trail: write it at most once a minute per key. */
const LAST_USED_GRANULARITY_MS = 60_000;

const INVALID = 'Invalid API key: it is unknown, revoked or expired.';

const isLimited = (key: Pick<ApiKey, 'allowedModels' | 'rateLimitRpm' | 'maxConcurrentStreams' | 'tokenBudget'>): boolean =>
  key.allowedModels.length > 0 || key.rateLimitRpm !== null || key.maxConcurrentStreams !== null || key.tokenBudget !== null;

/**
 * Resolves `Authorization: Bearer <key>` to the organization it belongs to. The shape and checksum
 * are checked before any lookup, so junk costs no query. Keys restricted to some models or given
 * limits of their own (and the dashboard's playground keys) are for calling models only: on the
 * management API their holder could lift those limits or mint a key without them.
 */
export async function authenticateApiKey(deps: Pick<ApiDeps, 'db' | 'logger'>, key: string, requestId: string): Promise<OrgScope> {
  if (!isWellFormedApiKey(key)) throw new ApiError('authentication_error', INVALID);
  const row = await deps.db.apiKey.findUnique({
    where: { hash: hashApiKey(key) },
    include: { organization: { select: { deletedAt: true } } },
  });
  const now = new Date();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now) || row.organization.deletedAt) {
    throw new ApiError('authentication_error', INVALID);
  }
  if (row.ephemeral || isLimited(row)) {
    throw new ApiError('permission_denied', 'This API key has allowed models or limits of its own, so it is for calling models only and cannot use the management API.');
  }
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    deps.db.apiKey
      .updateMany({ where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_GRANULARITY_MS) } }] }, data: { lastUsedAt: now } })
      .catch((error: unknown) => deps.logger.warn({ apiKeyId: row.id, err: describeError(error) }, 'could not record last use of an API key'));
  }
  return { orgId: row.orgId, role: 'owner', actor: { type: 'api_key', id: row.id }, requestId };
}
