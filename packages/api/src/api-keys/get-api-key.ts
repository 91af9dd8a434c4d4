import { isId } from '@gguf/core';
import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import type { ApiKeyObject } from './schemas';
import { serializeApiKey } from './serialize-api-key';
import { usageThisMonth } from './usage-this-month';

/** One of the organization's usable keys (never the secret), with the tokens it used this UTC month. */
export async function getApiKey(deps: ApiDeps, scope: OrgScope, id: string): Promise<ApiKeyObject> {
  const row = isId('apiKey', id) ? await deps.db.apiKey.findFirst({ where: { id, orgId: scope.orgId, revokedAt: null, ephemeral: false } }) : null;
  if (!row) throw ApiError.notFound('API key', id);
  return serializeApiKey(row, (await usageThisMonth(deps.db, [id])).get(id) ?? 0);
}
