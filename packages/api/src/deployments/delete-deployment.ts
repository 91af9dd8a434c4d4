import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { changeDeploymentState } from './change-deployment-state';

/**
 * Asks for the deployment to be torn down. The row stays (usage and audit keep their target) and
 * disappears from the API at once; the worker stops the server, releases GPUs and the port, and
 * marks it deleted.
 */
export async function deleteDeployment(deps: ApiDeps, scope: OrgScope, id: string): Promise<{ id: string; deleted: true }> {
  await changeDeploymentState(deps, scope, id, 'delete');
  return { id, deleted: true };
}
