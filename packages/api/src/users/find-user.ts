import { isId } from '@gguf/core';
import type { Database } from '@gguf/db';
import type { Tx } from '../deps';
import { ApiError } from '../errors/api-error';

export async function findUser(db: Database | Tx, id: string) {
  const row = isId('user', id) ? await db.user.findUnique({ where: { id } }) : null;
  if (!row) throw ApiError.notFound('user', id);
  return row;
}
