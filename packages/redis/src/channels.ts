import { z } from 'zod';

/**
 * Pub/sub channels that push control-plane changes to every gateway instance, so caches of keys
 * and routes are invalidated within a second instead of expiring on a timer.
 */
export const CHANNELS = {
  apiKeys: 'gguf:api-keys',
  deployments: 'gguf:deployments',
  organizations: 'gguf:organizations',
} as const;

export const apiKeyChanged = z.object({
  kind: z.enum(['revoked', 'updated']),
  apiKeyId: z.string(),
  /** SHA-256 of the key, so a gateway can drop its cache entry without a lookup. */
  hash: z.string().optional(),
});

export const deploymentChanged = z.object({
  kind: z.enum(['updated', 'deleted']),
  deploymentId: z.string(),
});

export const organizationChanged = z.object({
  kind: z.enum(['updated', 'deleted']),
  orgId: z.string(),
});

export type ApiKeyChanged = z.infer<typeof apiKeyChanged>;
export type DeploymentChanged = z.infer<typeof deploymentChanged>;
export type OrganizationChanged = z.infer<typeof organizationChanged>;
