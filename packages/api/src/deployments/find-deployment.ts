import { isId } from '@gguf/core';
import type { Database, Prisma } from '@gguf/db';
import type { Tx } from '../deps';
import { ApiError } from '../errors/api-error';

/** Rows the API still shows: a deployment asked to be deleted is gone to its owner at once. */
export const LIVE_DEPLOYMENT: Prisma.DeploymentWhereInput = { desiredState: { not: 'deleted' }, status: { not: 'deleted' } };

/**
 * Loads one of the organization's live deployments, or throws the same 404 for a missing id, a
 * malformed id, a deleted deployment and another organization's deployment. With `lock`, the row
 * is locked for the rest of the transaction so concurrent changes apply one after the other.
 */
export async function findDeployment(db: Database | Tx, orgId: string, id: string, options: { lock?: boolean } = {}) {
  if (!isId('deployment', id)) throw ApiError.notFound('deployment', id);
  if (options.lock) await db.$queryRaw`SELECT 1 FROM deployments WHERE id = ${id} FOR UPDATE`;
  const row = await db.deployment.findFirst({ where: { id, orgId, ...LIVE_DEPLOYMENT } });
  if (!row) throw ApiError.notFound('deployment', id);
  return row;
}
