import { type ApiKeyChanged, publishApiKeyChanged } from '@gguf/redis';
import type { ApiDeps } from '../deps';
import { afterCommit } from '../shared/after-commit';

/**
 * After a key is revoked or changed: every gateway drops it from its cache (by its hash, without a
 * lookup) and re-reads it at its next use, so revocations, allowed models and limits bite within a second.
 */
export async function announceKeyChange(deps: ApiDeps, change: ApiKeyChanged): Promise<void> {
  await afterCommit(deps, `publish a key change (${change.kind})`, { apiKeyId: change.apiKeyId }, () => publishApiKeyChanged(deps.redis, change));
}
