import type { Logger } from '@gguf/core';
import { apiKeyChanged, CHANNELS, deploymentChanged, organizationChanged, type Redis } from '@gguf/redis';
import type { Directory } from './directory';

/**
 * Applies the control plane's change notifications to the directory's caches, so a revoked key, a stopped
 * deployment or a renamed model takes effect on every gateway instance within a second. Messages missed while Redis was
 * unreachable cannot be replayed, so every (re)connection starts from empty caches.
 */
export async function subscribeToChanges(subscriber: Redis, directory: Directory, logger: Logger): Promise<void> {
  subscriber.on('ready', () => directory.forgetAll());
  // A deployment no cached model table names yet (just created, or given a name) still changes its organization's table.
  const forgetDeployment = (deploymentId: string) => {
    if (directory.forgetDeployment(deploymentId)) return;
    directory.forgetModelsOf(deploymentId).catch((error: unknown) => {
      logger.warn({ deploymentId, err: error instanceof Error ? error.message : String(error) }, 'could not find the organization of a changed deployment');
    });
  };
  subscriber.on('message', (channel: string, raw: string) => {
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      logger.warn({ channel }, 'ignoring a change notification that is not JSON');
      return;
    }
    if (channel === CHANNELS.apiKeys) {
      const message = apiKeyChanged.safeParse(data);
      if (message.success) return directory.forgetKey(message.data.apiKeyId, message.data.hash);
    } else if (channel === CHANNELS.deployments) {
      const message = deploymentChanged.safeParse(data);
      if (message.success) return forgetDeployment(message.data.deploymentId);
    } else if (channel === CHANNELS.organizations) {
      const message = organizationChanged.safeParse(data);
      if (message.success) return directory.forgetOrg(message.data.orgId);
    }
    logger.warn({ channel }, 'ignoring a malformed change notification');
  });
  await subscriber.subscribe(CHANNELS.apiKeys, CHANNELS.deployments, CHANNELS.organizations);
}
