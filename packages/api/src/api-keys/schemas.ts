import { isId, modelAlias } from '@gguf/core';
import { z } from 'zod';
import { bigInteger, integer, name, text, timestamp } from '../shared/fields';
import { listOf } from '../shared/pagination';

/** A model name, a `*` glob, or a deployment id (`dep_…`, which must be one of the organization's live deployments). */
const allowedModel = text(100).superRefine((value, ctx) => {
  if (isId('deployment', value)) return;
  const alias = modelAlias.safeParse(value);
  if (!alias.success) ctx.addIssue({ code: 'custom', message: `must be a model name, a "*" glob or a deployment id: ${alias.error.issues[0]?.message ?? 'invalid'}`, input: value });
});

/** What a key may do on its own, inside its organization's limits; null = no limit of its own. */
const limits = {
  /** Model names (exact or `*` globs) and deployment ids the key may call; empty = every model of the organization. */
  allowed_models: z.array(allowedModel).max(100, 'must list at most 100 entries'),
  /** Gateway requests per minute. */
  rate_limit_rpm: integer(1, 10_000_000).nullable(),
  /** Streaming responses at once. */
  max_concurrent_streams: integer(1, 100_000).nullable(),
  /** Input + output tokens per UTC calendar month. */
  token_budget: bigInteger(1, 1_000_000_000_000_000).nullable(),
};

export const createApiKeyBody = z.strictObject({
  name,
  allowed_models: limits.allowed_models.optional(),
  rate_limit_rpm: limits.rate_limit_rpm.optional(),
  max_concurrent_streams: limits.max_concurrent_streams.optional(),
  token_budget: limits.token_budget.optional(),
  expires_at: timestamp.refine((value) => Date.parse(value) > Date.now(), 'must be in the future').optional(),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeyBody>;

/** Any of a key's name, allowed models and limits; null lifts a limit, [] lets the key call every model. */
export const updateApiKeyBody = z
  .strictObject({
    name: name.optional(),
    allowed_models: limits.allowed_models.optional(),
    rate_limit_rpm: limits.rate_limit_rpm.optional(),
    max_concurrent_streams: limits.max_concurrent_streams.optional(),
    token_budget: limits.token_budget.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'must change at least one field');
export type UpdateApiKeyInput = z.infer<typeof updateApiKeyBody>;

export const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the key, to tell keys apart. */
  prefix: z.string(),
  /** Model names, `*` globs and deployment ids the key may call. Empty: every model of the organization. */
  allowed_models: z.array(z.string()),
  rate_limit_rpm: z.number().int().nullable(),
  max_concurrent_streams: z.number().int().nullable(),
  token_budget: z.number().int().nullable(),
  /** Input + output tokens the key used this UTC calendar month, as metered so far. */
  usage_this_month: z.number().int(),
  created_at: z.iso.datetime(),
  last_used_at: z.iso.datetime().nullable(),
  expires_at: z.iso.datetime().nullable(),
});
export type ApiKeyObject = z.infer<typeof apiKey>;

/** The only response that ever carries the secret. */
export const createdApiKey = apiKey.extend({ key: z.string() });
export type CreatedApiKeyObject = z.infer<typeof createdApiKey>;

export const apiKeyList = listOf(apiKey);
