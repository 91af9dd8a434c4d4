'use server';

import { type CurrentOrganizationObject, updateCurrentOrganization, updateCurrentOrganizationBody } from '@gguf/api';
import { revalidatePath } from 'next/cache';
import { type ActionResult, invalid, runAction } from '../../../lib/dashboard/action-result';
import { requireOrgScope } from '../../../lib/dashboard/session';
import { serverContext } from '../../../lib/server/context';

/** The deployment the endpoint serves a `model` that matches no name or alias, or none (null). */
export async function setDefaultDeploymentAction(input: unknown): Promise<ActionResult<CurrentOrganizationObject>> {
  const scope = await requireOrgScope();
  const parsed = updateCurrentOrganizationBody.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const result = await runAction(() => updateCurrentOrganization(serverContext().deps, scope, parsed.data));
  revalidatePath('/endpoint');
  return result;
}
