'use server';

import { deleteNode, drainNode, registerNode, registerNodeBody, setNodeCordoned } from '@gguf/api';
import { revalidatePath } from 'next/cache';
import { type ActionResult, invalid, runAction } from '../../../../lib/dashboard/action-result';
import { requireAdminScope } from '../../../../lib/dashboard/session';
import { serverContext } from '../../../../lib/server/context';
import { type NodeFormFields, nodeFormBody } from './node-form-input';

export type NodeAction = 'cordon' | 'uncordon' | 'drain' | 'delete';

export async function nodeAction(id: string, action: NodeAction): Promise<ActionResult<unknown>> {
  const scope = await requireAdminScope();
  const { deps } = serverContext();
  const result = await runAction<unknown>(() => {
    if (action === 'drain') return drainNode(deps, scope, id);
    if (action === 'delete') return deleteNode(deps, scope, id);
    return setNodeCordoned(deps, scope, id, action === 'cordon');
  });
  revalidatePath('/admin/nodes');
  return result;
}

/** Records a remote Docker node, as POST /api/v1/admin/nodes does; its worker connects later. */
export async function registerNodeAction(fields: NodeFormFields): Promise<ActionResult<{ name: string }>> {
  const scope = await requireAdminScope();
  const parsed = registerNodeBody.safeParse(nodeFormBody(fields));
  if (!parsed.success) return invalid(parsed.error);
  const result = await runAction(() => registerNode(serverContext().deps, scope, parsed.data));
  if (!result.ok) return result;
  revalidatePath('/admin/nodes');
  return { ok: true, value: { name: result.value.name } };
}
