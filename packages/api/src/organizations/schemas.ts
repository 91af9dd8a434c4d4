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
  /** Most usable API keys the organization may hold at once; revoked, expired and playground keys do not count. */
  max_api_keys: limit(100_000),
};

export const createOrganizationBody = z.strictObject({
  name,
  slug: slug.optional(),
  max_deployments: quotas.max_deployments.optional(),
  max_gpus: quotas.max_gpus.optional(),
  rate_limit_rpm: quotas.rate_limit_rpm.optional(),
  max_concurrent_streams: quotas.max_concurrent_streams.optional(),
  max_api_keys: quotas.max_api_keys.optional(),
  platform_hf_token: z.boolean().optional(),
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
    max_api_keys: quotas.max_api_keys.optional(),
    /** Let the organization's downloads use the platform's HF_TOKEN when it has no token of its own. */
    platform_hf_token: z.boolean().optional(),
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
  max_api_keys: z.number().int(),
  /** Whether the organization's downloads may use the platform's HF_TOKEN (when it has no token of its own). */
  platform_hf_token: z.boolean(),
  /** Whether the organization stored a Hugging Face token of its own; the token itself is never shown. */
  hf_token_set: z.boolean(),
  /** The deployment the organization endpoint (/api/llm) serves a `model` that matches no name or alias; null = none (404). */
  default_deployment_id: z.string().nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type OrganizationObject = z.infer<typeof organization>;
export const organizationList = listOf(organization);

// --- the caller's own organization -------------------------------------------------------------

/** The organization as its members see it: the same object, plus its endpoint, where `model` picks the deployment. */
export const currentOrganization = organization.extend({
  /** PUBLIC_GATEWAY_URL + /api/llm: for the Anthropic SDK and Claude Code (ANTHROPIC_BASE_URL). */
  base_url: z.url(),
  /** base_url + /v1, for the OpenAI SDK. */
  openai_base_url: z.url(),
});
export type CurrentOrganizationObject = z.infer<typeof currentOrganization>;

export const updateCurrentOrganizationBody = z
  .strictObject({
    /** One of the organization's live deployments, or null for none. */
    default_deployment_id: idOf('deployment').nullable().optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'must change at least one field');
export type UpdateCurrentOrganizationInput = z.infer<typeof updateCurrentOrganizationBody>;

// --- the organization's own Hugging Face token -------------------------------------------------

export const putHfTokenBody = z.strictObject({
  /** A Hugging Face access token (hf_…), used for this organization's downloads only. Stored encrypted, never shown again. */
  token: text(512)
    .trim()
    .min(8, 'must be at least 8 characters')
    .regex(/^[\x21-\x7e]+$/, 'must be a Hugging Face access token: visible ASCII characters, no spaces'),
});
export type PutHfTokenInput = z.infer<typeof putHfTokenBody>;

export const hfTokenSetting = z.object({
  /** Whether the organization stored a token of its own; the token itself is never returned. */
  hf_token_set: z.boolean(),
  /** Whether an admin lets the organization's downloads use the platform's token when it has none of its own. */
  platform_hf_token: z.boolean(),
});
export type HfTokenSettingObject = z.infer<typeof hfTokenSetting>;
