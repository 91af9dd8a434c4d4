import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { idCursor, type Page, type PageQuery, toPage } from '../shared/pagination';
import type { OrganizationObject } from './schemas';
import { serializeOrganization } from './serialize-organization';

export async function listOrganizations(deps: ApiDeps, _scope: AdminScope, query: PageQuery): Promise<Page<OrganizationObject>> {
  const { where, ...rest } = idCursor(query);
  const rows = await deps.db.organization.findMany({ where: { deletedAt: null, ...where }, ...rest });
  return toPage(rows, query.limit, (row) => row.id, serializeOrganization);
}
