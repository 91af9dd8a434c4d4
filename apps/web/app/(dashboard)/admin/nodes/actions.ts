'use server';

import { drainNode, setNodeCordoned } from '@gguf/api';
import { revalidatePath } from 'next/cache';
import { type ActionResult, runAction } from '../../../../lib/dashboard/action-result';
import { requireAdminScope } from '../../../../lib/dashboard/session';
import { serverContext } from '../../../../lib/server/context';

export type NodeAction = 'cordon' | 'uncordon' | 'drain';

export async function nodeAction(id: string, action: NodeAction): Promise<ActionResult<unknown>> {
  const scope = await requireAdminScope();
  const { deps } = serverContext();
  const result = await runAction(() => (action === 'drain' ? drainNode(deps, scope, id) : setNodeCordoned(deps, scope, id, action === 'cordon')));
  revalidatePath('/admin/nodes');
  return result;
}
