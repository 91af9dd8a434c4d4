'use server';

import { updateOrganization, updateOrganizationBody } from '@gguf/api';
import { revalidatePath } from 'next/cache';
import { type ActionResult, invalid, runAction } from '../../../../lib/dashboard/action-result';
import { requireAdminScope } from '../../../../lib/dashboard/session';
import { serverContext } from '../../../../lib/server/context';

export async function updateQuotasAction(orgId: string, input: unknown): Promise<ActionResult<unknown>> {
  const scope = await requireAdminScope();
  const parsed = updateOrganizationBody.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const result = await runAction(() => updateOrganization(serverContext().deps, scope, orgId, parsed.data));
  revalidatePath('/admin/organizations');
  return result;
}

export async function setPlatformHfTokenAction(orgId: string, allowed: unknown): Promise<ActionResult<unknown>> {
  const scope = await requireAdminScope();
  const parsed = updateOrganizationBody.safeParse({ platform_hf_token: allowed });
  if (!parsed.success) return invalid(parsed.error);
  const result = await runAction(() => updateOrganization(serverContext().deps, scope, orgId, parsed.data));
  revalidatePath('/admin/organizations');
  return result;
}
