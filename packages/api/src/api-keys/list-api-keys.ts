import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { idCursor, type Page, type PageQuery, toPage } from '../shared/pagination';
import type { ApiKeyObject } from './schemas';
import { serializeApiKey } from './serialize-api-key';
import { usageThisMonth } from './usage-this-month';

/** The organization's usable keys, each with its tokens this month: revoked ones and the dashboard playground's short-lived ones are left out. */
export async function listApiKeys(deps: ApiDeps, scope: OrgScope, query: PageQuery): Promise<Page<ApiKeyObject>> {
  const { where, ...rest } = idCursor(query);
  const rows = await deps.db.apiKey.findMany({
    where: { orgId: scope.orgId, revokedAt: null, ephemeral: false, ...where },
    ...rest,
  });
  const usage = await usageThisMonth(deps.db, rows.slice(0, query.limit).map((row) => row.id));
  return toPage(rows, query.limit, (row) => row.id, (row) => serializeApiKey(row, usage.get(row.id) ?? 0));
}
