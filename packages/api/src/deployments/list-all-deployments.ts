import type { z } from 'zod';
import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { idCursor, type Page, type PageQuery, toPage } from '../shared/pagination';
import { loadReplicas, NO_REPLICAS } from './load-replicas';
import type { AdminDeploymentObject, adminDeploymentsQuery } from './schemas';
import { serializeAdminDeployment } from './serialize-deployment';

/** Every organization's deployments, deleted ones included when asked for by status, for operators. */
export async function listAllDeployments(
  deps: ApiDeps,
  _scope: AdminScope,
  query: PageQuery & z.infer<typeof adminDeploymentsQuery>,
): Promise<Page<AdminDeploymentObject>> {
  const { where, ...rest } = idCursor(query);
  const rows = await deps.db.deployment.findMany({
    where: {
      ...where,
      ...(query.org_id ? { orgId: query.org_id } : {}),
      ...(query.status ? { status: query.status } : { status: { not: 'deleted' } }),
    },
    ...rest,
  });
  const replicas = await loadReplicas(deps, deps.db, rows.map((row) => row.id));
  return toPage(rows, query.limit, (row) => row.id, (row) => serializeAdminDeployment(row, replicas.get(row.id) ?? NO_REPLICAS, deps.publicGatewayUrl));
}
