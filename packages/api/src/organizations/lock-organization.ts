import type { Tx } from '../deps';
import { ApiError } from '../errors/api-error';

/**
 * Locks the organization's row for the rest of the transaction. Changes to what its deployments are
 * called (creates, renames, deletes, the default deployment) take it before any deployment's row, so they
 * apply one after the other and never wait on each other in opposite orders.
 */
export async function lockOrganization(tx: Tx, orgId: string): Promise<void> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM organizations WHERE id = ${orgId} FOR UPDATE`;
  if (rows.length === 0) throw new ApiError('not_found', 'This organization no longer exists.');
}
