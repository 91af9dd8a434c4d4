import { z } from 'zod';
import { idOf, name, timestamp } from '../shared/fields';
import { listOf } from '../shared/pagination';

export const createApiKeyBody = z.strictObject({
  name,
  /** Restricts the key to these deployments; omitted or empty means every deployment of the organization. */
  deployment_ids: z.array(idOf('deployment')).max(100, 'must list at most 100 deployments').optional(),
  expires_at: timestamp.refine((value) => Date.parse(value) > Date.now(), 'must be in the future').optional(),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeyBody>;

export const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the key, to tell keys apart. */
  prefix: z.string(),
  /** Empty: the key may call every deployment of the organization. */
  deployment_ids: z.array(z.string()),
  created_at: z.iso.datetime(),
  last_used_at: z.iso.datetime().nullable(),
  expires_at: z.iso.datetime().nullable(),
});
export type ApiKeyObject = z.infer<typeof apiKey>;

/** The only response that ever carries the secret. */
export const createdApiKey = apiKey.extend({ key: z.string() });
export type CreatedApiKeyObject = z.infer<typeof createdApiKey>;

export const apiKeyList = listOf(apiKey);
