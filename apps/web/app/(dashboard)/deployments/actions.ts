'use server';

import { createDeployment, createDeploymentBody, SCALING, updateDeployment, updateDeploymentBody } from '@gguf/api';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { type ActionResult, invalid as invalidFields, runAction } from '../../../lib/dashboard/action-result';
import { idleTimeInMinutes } from '../../../lib/dashboard/idle-minutes';
import { requireOrgScope } from '../../../lib/dashboard/session';
import { serverContext } from '../../../lib/server/context';

/** Field errors as the form words them: the idle time in minutes, as it is typed there. */
const invalid = (error: Parameters<typeof invalidFields>[0]) => idleTimeInMinutes(invalidFields(error), SCALING.scaleDownAfterS);

/** Inline validation while the form is filled in: the API's own schema, nothing saved. */
export async function validateDeploymentAction(input: unknown): Promise<ActionResult> {
  await requireOrgScope();
  const parsed = createDeploymentBody.safeParse(input);
  return parsed.success ? { ok: true, value: undefined } : invalid(parsed.error);
}

export async function createDeploymentAction(input: unknown): Promise<ActionResult> {
  const scope = await requireOrgScope();
  const parsed = createDeploymentBody.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const result = await runAction(() => createDeployment(serverContext().deps, scope, parsed.data));
  if (!result.ok) return result;
  revalidatePath('/deployments');
  redirect(`/deployments/${result.value.deployment.id}`);
}

/** Settings edits redeploy (the API bumps the generation); a rename alone does not. */
export async function updateDeploymentAction(id: string, input: unknown): Promise<ActionResult> {
  const scope = await requireOrgScope();
  const parsed = updateDeploymentBody.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const result = await runAction(() => updateDeployment(serverContext().deps, scope, id, parsed.data));
  if (!result.ok) return result;
  revalidatePath(`/deployments/${id}`);
  redirect(`/deployments/${id}`);
}
