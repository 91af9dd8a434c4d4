import type { Redis } from 'ioredis';
import { type ApiKeyChanged, apiKeyChanged, CHANNELS, type DeploymentChanged, deploymentChanged, type OrganizationChanged, organizationChanged } from './channels';

/** Tell every gateway that a key changed (revocation must bite within a second). */
export async function publishApiKeyChanged(redis: Redis, message: ApiKeyChanged): Promise<void> {
  await redis.publish(CHANNELS.apiKeys, JSON.stringify(apiKeyChanged.parse(message)));
}

/** Tell every gateway that a deployment's route (status, upstream, owner) changed. */
export async function publishDeploymentChanged(redis: Redis, message: DeploymentChanged): Promise<void> {
  await redis.publish(CHANNELS.deployments, JSON.stringify(deploymentChanged.parse(message)));
}

/** Tell every gateway that an organization's limits changed or it was deleted. */
export async function publishOrganizationChanged(redis: Redis, message: OrganizationChanged): Promise<void> {
  await redis.publish(CHANNELS.organizations, JSON.stringify(organizationChanged.parse(message)));
}
