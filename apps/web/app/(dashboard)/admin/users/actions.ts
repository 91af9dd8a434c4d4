'use server';

import { createUser, createUserBody, updateUser } from '@gguf/api';
import { revalidatePath } from 'next/cache';
import { type ActionResult, invalid, runAction } from '../../../../lib/dashboard/action-result';
import { requireAdminScope } from '../../../../lib/dashboard/session';
import { serverContext } from '../../../../lib/server/context';

/** The only answer that carries the generated password: the browser shows it once and keeps it nowhere. */
export async function createUserAction(input: unknown): Promise<ActionResult<{ email: string; password: string }>> {
  const scope = await requireAdminScope();
  const parsed = createUserBody.omit({ password: true, is_platform_admin: true }).safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const result = await runAction(() => createUser(serverContext().deps, scope, { ...parsed.data, is_platform_admin: false }));
  if (!result.ok) return result;
  revalidatePath('/admin/users');
  return { ok: true, value: { email: result.value.email, password: result.value.password! } };
}

export type UserChange = { disabled: boolean } | { is_platform_admin: boolean };

export async function updateUserAction(id: string, change: UserChange): Promise<ActionResult<unknown>> {
  const scope = await requireAdminScope();
  const result = await runAction(() => updateUser(serverContext().deps, scope, id, change));
  revalidatePath('/admin/users');
  return result;
}
