'use server';

import { clearHfToken, type HfTokenSettingObject, putHfTokenBody, setHfToken } from '@gguf/api';
import { revalidatePath } from 'next/cache';
import { type ActionResult, invalid, runAction } from '../../../lib/dashboard/action-result';
import { requireOrgScope } from '../../../lib/dashboard/session';
import { serverContext } from '../../../lib/server/context';

export async function setHfTokenAction(input: unknown): Promise<ActionResult<HfTokenSettingObject>> {
  const scope = await requireOrgScope();
  const parsed = putHfTokenBody.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const result = await runAction(() => setHfToken(serverContext().deps, scope, parsed.data));
  revalidatePath('/settings');
  return result;
}

export async function clearHfTokenAction(): Promise<ActionResult<HfTokenSettingObject>> {
  const scope = await requireOrgScope();
  const result = await runAction(() => clearHfToken(serverContext().deps, scope));
  revalidatePath('/settings');
  return result;
}
