import { generateApiKey, newId } from '@gguf/core';
import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';

/** Long enough for one streamed reply; the key is useless soon after. */
export const PLAYGROUND_KEY_TTL_MS = 10 * 60_000;

/**
 * How long an expired playground key is kept before it is deleted: well past the gateway's key
 * cache and its last usage flush, so metering never writes usage for a key that is gone.
 */
export const EXPIRED_PLAYGROUND_KEY_GRACE_MS = 60 * 60_000;

/**
 * A short-lived key for one playground request, scoped to one deployment and hidden from key
 * lists (`ephemeral`). It never reaches the browser: the dashboard uses it server-side to call
 * the gateway, so the chat goes through the same auth, limits and metering as any client.
 * Minting also deletes the organization's playground keys that expired a while ago; their usage
 * rows stay (usage_hourly.api_key_id becomes null) and still count for the organization and deployment.
 */
export async function mintPlaygroundKey(deps: ApiDeps, scope: OrgScope, deploymentId: string, now: number = Date.now()): Promise<string> {
  const secret = generateApiKey();
  await deps.db.$transaction([
    deps.db.apiKey.deleteMany({ where: { orgId: scope.orgId, ephemeral: true, expiresAt: { lt: new Date(now - EXPIRED_PLAYGROUND_KEY_GRACE_MS) } } }),
    deps.db.apiKey.create({
      data: {
        id: newId('apiKey', now),
        orgId: scope.orgId,
        name: 'Playground',
        prefix: secret.prefix,
        hash: secret.hash,
        ephemeral: true,
        expiresAt: new Date(now + PLAYGROUND_KEY_TTL_MS),
        createdById: scope.actor.type === 'user' ? scope.actor.id : null,
        allowedModels: [deploymentId],
      },
    }),
  ]);
  return secret.key;
}
