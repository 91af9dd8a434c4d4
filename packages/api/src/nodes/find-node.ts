import { isId } from '@gguf/core';
import type { Database } from '@gguf/db';
import type { Tx } from '../deps';
import { ApiError } from '../errors/api-error';
import { NODE_INCLUDE } from './serialize-node';

export async function findNode(db: Database | Tx, id: string) {
  const row = isId('node', id) ? await db.node.findUnique({ where: { id }, include: NODE_INCLUDE }) : null;
  if (!row) throw ApiError.notFound('node', id);
  return row;
}
