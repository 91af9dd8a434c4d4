import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { idCursor, type Page, type PageQuery, toPage } from '../shared/pagination';
import type { UserObject } from './schemas';
import { serializeUser } from './serialize-user';

export async function listUsers(deps: ApiDeps, _scope: AdminScope, query: PageQuery): Promise<Page<UserObject>> {
  const { where, ...rest } = idCursor(query);
  const rows = await deps.db.user.findMany({ where, ...rest });
  return toPage(rows, query.limit, (row) => row.id, serializeUser);
}

