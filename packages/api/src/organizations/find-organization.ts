import { isId } from '@gguf/core';
import type { Database } from '@gguf/db';
import type { Tx } from '../deps';
import { ApiError } from '../errors/api-error';

/** A live (not deleted) organization, or 404. */
export async function findOrganization(db: Database | Tx, id: string) {
  const row = isId('organization', id) ? await db.organization.findFirst({ where: { id, deletedAt: null } }) : null;
  if (!row) throw ApiError.notFound('organization', id);
  return row;
}
