import { generateApiKey, newId } from '@gguf/core';
import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';

/** Long enough for one streamed reply; the key is useless soon after. */
export const PLAYGROUND_KEY_TTL_MS = 10 * 60_000;

/**
 * A short-lived key for one playground request, scoped to one deployment and hidden from key
 * lists (`ephemeral`). It never reaches the browser: the dashboard uses it server-side to call
 * the gateway, so the chat goes through the same auth, limits and metering as any client.
 */
export async function mintPlaygroundKey(deps: ApiDeps, scope: OrgScope, deploymentId: string): Promise<string> {
  const secret = generateApiKey();
  await deps.db.apiKey.create({
    data: {
      id: newId('apiKey'),
      orgId: scope.orgId,
      name: 'Playground',
      prefix: secret.prefix,
      hash: secret.hash,
      ephemeral: true,
      expiresAt: new Date(Date.now() + PLAYGROUND_KEY_TTL_MS),
      createdById: scope.actor.type === 'user' ? scope.actor.id : null,
      deployments: { create: [{ deploymentId }] },
    },
  });
  return secret.key;
}
