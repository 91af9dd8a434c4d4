import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { LIVE_DEPLOYMENT } from '../deployments/find-deployment';
import { findOrganization } from '../organizations/find-organization';
import type { OrganizationModelList } from './schemas';

/**
 * The organization's models: every live deployment with its model name, aliases and status, sorted by
 * model name, the default deployment marked. What the dashboard's Endpoint page shows; the gateway's
 * /api/llm/v1/models answers the same names, narrowed to what the calling key may use.
 */
export async function listModels(deps: ApiDeps, scope: OrgScope): Promise<OrganizationModelList> {
  const [org, rows] = await Promise.all([
    findOrganization(deps.db, scope.orgId),
    deps.db.deployment.findMany({
      where: { orgId: scope.orgId, ...LIVE_DEPLOYMENT },
      select: { id: true, name: true, modelName: true, modelAliases: true, status: true, desiredState: true },
      orderBy: [{ modelName: 'asc' }, { id: 'asc' }],
    }),
  ]);
  return {
    data: rows.map((row) => ({
      model_name: row.modelName,
      model_aliases: row.modelAliases,
      deployment_id: row.id,
      deployment_name: row.name,
      status: row.status,
      desired_state: row.desiredState,
      default: row.id === org.defaultDeploymentId,
    })),
  };
}
