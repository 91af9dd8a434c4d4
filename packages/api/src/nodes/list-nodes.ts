import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { idCursor, type Page, type PageQuery, toPage } from '../shared/pagination';
import type { NodeObject } from './schemas';
import { NODE_INCLUDE, serializeNode } from './serialize-node';

export async function listNodes(deps: ApiDeps, _scope: AdminScope, query: PageQuery): Promise<Page<NodeObject>> {
  const { where, ...rest } = idCursor(query);
  const rows = await deps.db.node.findMany({ where, include: NODE_INCLUDE, ...rest });
  return toPage(rows, query.limit, (row) => row.id, serializeNode);
}
