import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { findDeployment } from './find-deployment';
import type { DeploymentObject } from './schemas';
import { serializeDeployment } from './serialize-deployment';

export async function getDeployment(deps: ApiDeps, scope: OrgScope, id: string): Promise<DeploymentObject> {
  return serializeDeployment(await findDeployment(deps.db, scope.orgId, id), deps.publicGatewayUrl);
}
