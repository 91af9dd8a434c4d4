import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { idCursor, type Page, type PageQuery, toPage } from '../shared/pagination';
import { LIVE_DEPLOYMENT } from './find-deployment';
import { loadReplicas, NO_REPLICAS } from './load-replicas';
import type { DeploymentObject } from './schemas';
import { serializeDeployment } from './serialize-deployment';

export async function listDeployments(deps: ApiDeps, scope: OrgScope, query: PageQuery): Promise<Page<DeploymentObject>> {
  const { where, ...rest } = idCursor(query);
  const rows = await deps.db.deployment.findMany({ where: { orgId: scope.orgId, ...LIVE_DEPLOYMENT, ...where }, ...rest });
  const replicas = await loadReplicas(deps, deps.db, rows.map((row) => row.id));
  return toPage(rows, query.limit, (row) => row.id, (row) => serializeDeployment(row, replicas.get(row.id) ?? NO_REPLICAS, deps.publicGatewayUrl));
}
