'use server';

import { changeDeploymentState, type DeploymentAction } from '@gguf/api';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { type ActionResult, runAction } from '../../../../lib/dashboard/action-result';
import { requireOrgScope } from '../../../../lib/dashboard/session';
import { serverContext } from '../../../../lib/server/context';

export async function deploymentAction(id: string, action: DeploymentAction): Promise<ActionResult<unknown>> {
  const scope = await requireOrgScope();
  const result = await runAction(() => changeDeploymentState(serverContext().deps, scope, id, action));
  if (!result.ok) return result;
  revalidatePath('/deployments');
  if (action === 'delete') redirect('/deployments');
  revalidatePath(`/deployments/${id}`);
  return result;
}
