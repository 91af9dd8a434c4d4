import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { idCursor, type Page, type PageQuery, toPage } from '../shared/pagination';
import type { ApiKeyObject } from './schemas';
import { serializeApiKey } from './serialize-api-key';

/** The organization's usable keys: revoked ones and the dashboard playground's short-lived ones are left out. */
export async function listApiKeys(deps: ApiDeps, scope: OrgScope, query: PageQuery): Promise<Page<ApiKeyObject>> {
  const { where, ...rest } = idCursor(query);
  const rows = await deps.db.apiKey.findMany({
    where: { orgId: scope.orgId, revokedAt: null, ephemeral: false, ...where },
    ...rest,
  });
  return toPage(rows, query.limit, (row) => row.id, serializeApiKey);
}
