import { readDeploymentLogs as readCapturedLogs } from '@gguf/redis';
import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { findDeployment } from './find-deployment';

/** The last `tail` lines of llama-server output as the worker captured them, oldest first. */
export async function readDeploymentLogs(deps: ApiDeps, scope: OrgScope, id: string, tail: number): Promise<{ data: string[] }> {
  await findDeployment(deps.db, scope.orgId, id);
  return { data: await readCapturedLogs(deps.redis, id, tail) };
}
