import { z } from 'zod';
import { idOf, integer, name, text } from '../shared/fields';
import { listOf } from '../shared/pagination';

const limit = (max: number) => integer(0, max);
const slug = text(48)
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/, 'must be 1 to 48 lower-case letters, digits and dashes, not starting or ending with a dash');

const quotas = {
  max_deployments: limit(10_000),
  max_gpus: limit(100_000),
  /** Gateway requests per minute for the whole organization; null = the gateway's default. */
  rate_limit_rpm: limit(10_000_000).nullable(),
  /** Concurrent streaming responses; null = the gateway's default. */
  max_concurrent_streams: limit(100_000).nullable(),
};

export const createOrganizationBody = z.strictObject({
  name,
  slug: slug.optional(),
  max_deployments: quotas.max_deployments.optional(),
  max_gpus: quotas.max_gpus.optional(),
  rate_limit_rpm: quotas.rate_limit_rpm.optional(),
  max_concurrent_streams: quotas.max_concurrent_streams.optional(),
  /** An existing user who becomes the organization's owner. */
  owner_user_id: idOf('user').optional(),
});
export type CreateOrganizationInput = z.infer<typeof createOrganizationBody>;

export const updateOrganizationBody = z
  .strictObject({
    name: name.optional(),
    max_deployments: quotas.max_deployments.optional(),
    max_gpus: quotas.max_gpus.optional(),
    rate_limit_rpm: quotas.rate_limit_rpm.optional(),
    max_concurrent_streams: quotas.max_concurrent_streams.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'must change at least one field');
export type UpdateOrganizationInput = z.infer<typeof updateOrganizationBody>;

export const organization = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  max_deployments: z.number().int(),
  max_gpus: z.number().int(),
  rate_limit_rpm: z.number().int().nullable(),
  max_concurrent_streams: z.number().int().nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type OrganizationObject = z.infer<typeof organization>;
export const organizationList = listOf(organization);
