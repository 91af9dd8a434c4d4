import { mintPlaygroundKey as mint, PLAYGROUND_KEY_TTL_MS, type OrgScope } from '@gguf/api';
import { serverContext } from '../server/context';

/** A key is reused while at least this much of its life is left: enough for the longest playground reply. */
const REUSE_MARGIN_MS = 3 * 60_000;

// Keys minted by this server process, by user × organization × deployment. Reusing one for a few minutes keeps a
// chat from writing a key row (and costing the gateway a key lookup) per message; the secret lives only here.
const minted = new Map<string, { key: string; reuseUntil: number }>();

/** A short-lived key scoped to one deployment for the playground's requests (see @gguf/api). */
export async function playgroundKey(scope: OrgScope, deploymentId: string, now = Date.now()): Promise<string> {
  for (const [id, entry] of minted) if (entry.reuseUntil <= now) minted.delete(id);
  const id = `${scope.actor.type}:${scope.actor.id}|${scope.orgId}|${deploymentId}`;
  const cached = minted.get(id);
  if (cached) return cached.key;
  const key = await mint(serverContext().deps, scope, deploymentId);
  minted.set(id, { key, reuseUntil: now + PLAYGROUND_KEY_TTL_MS - REUSE_MARGIN_MS });
  return key;
}
