import { newId } from '@gguf/core';
import { writeAuditLog } from '../audit/write-audit-log';
import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import type { CreateOrganizationInput, OrganizationObject } from './schemas';
import { serializeOrganization } from './serialize-organization';

export async function createOrganization(deps: ApiDeps, scope: AdminScope, input: CreateOrganizationInput): Promise<OrganizationObject> {
  const id = newId('organization');
  const slug = input.slug ?? `${slugify(input.name)}-${id.slice(-6)}`;
  const row = await deps.db.$transaction(async (tx) => {
    if (await tx.organization.findUnique({ where: { slug }, select: { id: true } })) {
      throw new ApiError('conflict', `The slug '${slug}' is taken.`, 'slug');
    }
    if (input.owner_user_id && !(await tx.user.findUnique({ where: { id: input.owner_user_id }, select: { id: true } }))) {
      throw new ApiError('not_found', `No user with id '${input.owner_user_id}'.`, 'owner_user_id');
    }
    const created = await tx.organization.create({
      data: {
        id,
        name: input.name,
        slug,
        maxDeployments: input.max_deployments,
        maxGpus: input.max_gpus,
        rateLimitRpm: input.rate_limit_rpm,
        maxConcurrentStreams: input.max_concurrent_streams,
        maxApiKeys: input.max_api_keys,
        platformHfToken: input.platform_hf_token,
      },
    });
    if (input.owner_user_id) await tx.membership.create({ data: { orgId: id, userId: input.owner_user_id, role: 'owner' } });
    await writeAuditLog(tx, { ...scope, orgId: id, action: 'organization.create', targetType: 'organization', targetId: id, details: { name: input.name, slug } });
    return created;
  });
  return serializeOrganization(row);
}

function slugify(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  return slug || 'org';
}
