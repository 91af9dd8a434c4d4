import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { findDeployment } from './find-deployment';
import { loadReplicasOf } from './load-replicas';
import type { DeploymentObject } from './schemas';
import { serializeDeployment } from './serialize-deployment';

export async function getDeployment(deps: ApiDeps, scope: OrgScope, id: string): Promise<DeploymentObject> {
  const row = await findDeployment(deps.db, scope.orgId, id);
  return serializeDeployment(row, await loadReplicasOf(deps, deps.db, row.id), deps.publicGatewayUrl);
}
