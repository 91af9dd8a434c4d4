import type { Organization } from '@gguf/db';
import type { OrganizationObject } from './schemas';

export function serializeOrganization(row: Organization): OrganizationObject {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    max_deployments: row.maxDeployments,
    max_gpus: row.maxGpus,
    rate_limit_rpm: row.rateLimitRpm,
    max_concurrent_streams: row.maxConcurrentStreams,
    max_api_keys: row.maxApiKeys,
    platform_hf_token: row.platformHfToken,
    hf_token_set: row.hfTokenSecret !== null,
    default_deployment_id: row.defaultDeploymentId,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
