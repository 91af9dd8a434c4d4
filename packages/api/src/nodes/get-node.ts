import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { findNode } from './find-node';
import type { NodeObject } from './schemas';
import { serializeNode } from './serialize-node';

export async function getNode(deps: ApiDeps, _scope: AdminScope, id: string): Promise<NodeObject> {
  return serializeNode(await findNode(deps.db, id));
}
