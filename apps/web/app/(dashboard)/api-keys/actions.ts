'use server';

import { type ApiKeyObject, createApiKey, createApiKeyBody, revokeApiKey, updateApiKey, updateApiKeyBody } from '@gguf/api';
import { revalidatePath } from 'next/cache';
import { type ActionResult, invalid, runAction } from '../../../lib/dashboard/action-result';
import { requireOrgScope } from '../../../lib/dashboard/session';
import { serverContext } from '../../../lib/server/context';

/** The only answer that carries a key's secret: the browser shows it once and keeps it nowhere. */
export async function createApiKeyAction(input: unknown): Promise<ActionResult<{ key: string; name: string }>> {
  const scope = await requireOrgScope();
  const parsed = createApiKeyBody.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const result = await runAction(() => createApiKey(serverContext().deps, scope, parsed.data));
  if (!result.ok) return result;
  revalidatePath('/api-keys');
  return { ok: true, value: { key: result.value.key, name: result.value.name } };
}

/** A key's name, allowed models and limits, as PATCH /api/v1/api-keys/{id} changes them. */
export async function updateApiKeyAction(id: string, input: unknown): Promise<ActionResult<ApiKeyObject>> {
  const scope = await requireOrgScope();
  const parsed = updateApiKeyBody.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const result = await runAction(() => updateApiKey(serverContext().deps, scope, id, parsed.data));
  revalidatePath('/api-keys');
  revalidatePath(`/api-keys/${id}`);
  return result;
}

export async function revokeApiKeyAction(id: string): Promise<ActionResult<unknown>> {
  const scope = await requireOrgScope();
  const result = await runAction(() => revokeApiKey(serverContext().deps, scope, id));
  revalidatePath('/api-keys');
  return result;
}
