import type { Tx } from '../deps';
import { ApiError } from '../errors/api-error';

/**
 * Refuses a new key once the organization holds max_api_keys usable ones. Revoked and expired keys
 * and the playground's short-lived ones do not count. The organization row is locked first, so two
 * concurrent creates cannot both squeeze under the cap.
 */
export async function checkApiKeyQuota(tx: Tx, orgId: string, now: Date = new Date()): Promise<void> {
  const [org] = await tx.$queryRaw<{ max_api_keys: number }[]>`SELECT max_api_keys FROM organizations WHERE id = ${orgId} FOR UPDATE`;
  if (!org) throw new ApiError('not_found', 'This organization no longer exists.');
  const held = await tx.apiKey.count({ where: { orgId, ephemeral: false, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } });
  if (held >= org.max_api_keys) {
    throw new ApiError('conflict', `Organization limit max_api_keys (${org.max_api_keys}) reached: revoke a key you no longer use or ask an administrator to raise the limit.`);
  }
}
