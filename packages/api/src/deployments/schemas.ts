import { DEPLOYMENT_STATUSES, DESIRED_STATES, llamaArgs, modelSource } from '@gguf/core';
import { z } from 'zod';
import { name } from '../shared/fields';
import { listOf } from '../shared/pagination';

const gpu = z.object({
  // 0 runs the model on CPU only.
  count: z.number().int('must be a whole number').min(0, 'must be at least 0').max(16, 'must be at most 16'),
  type: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').optional(),
});

const settings = {
  model: modelSource,
  gpu,
  context_size: z.number().int('must be a whole number').min(256, 'must be at least 256').max(1_048_576, 'must be at most 1048576'),
  parallel: z.number().int('must be a whole number').min(1, 'must be at least 1').max(64, 'must be at most 64'),
  embeddings: z.boolean(),
  llama_args: llamaArgs,
};

export const createDeploymentBody = z.strictObject({
  name,
  model: settings.model,
  gpu: settings.gpu,
  context_size: settings.context_size.default(4096),
  parallel: settings.parallel.default(1),
  embeddings: settings.embeddings.default(false),
  llama_args: settings.llama_args.default({}),
});
export type CreateDeploymentInput = z.infer<typeof createDeploymentBody>;

/** A rename alone changes nothing that runs; any settings field redeploys with a new generation. */
export const updateDeploymentBody = z
  .strictObject({
    name: name.optional(),
    model: settings.model.optional(),
    gpu: settings.gpu.optional(),
    context_size: settings.context_size.optional(),
    parallel: settings.parallel.optional(),
    embeddings: settings.embeddings.optional(),
    llama_args: settings.llama_args.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'must change at least one field');
export type UpdateDeploymentInput = z.infer<typeof updateDeploymentBody>;

export const SETTINGS_FIELDS = ['model', 'gpu', 'context_size', 'parallel', 'embeddings', 'llama_args'] as const;

export const deployment = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(DEPLOYMENT_STATUSES),
  desired_state: z.enum(DESIRED_STATES),
  status_message: z.string(),
  model: modelSource,
  gpu: z.object({ count: z.number().int(), type: z.string().nullable() }),
  context_size: z.number().int(),
  parallel: z.number().int(),
  embeddings: z.boolean(),
  llama_args: llamaArgs,
  /** Bumped by every settings change or restart. */
  generation: z.number().int(),
  /** Root URL for the Anthropic SDK and Claude Code. */
  base_url: z.url(),
  /** base_url + /v1, for the OpenAI SDK. */
  openai_base_url: z.url(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type DeploymentObject = z.infer<typeof deployment>;

/** Across organizations (admin view): the same object plus its owner and placement. */
export const adminDeployment = deployment.extend({ org_id: z.string(), node_id: z.string().nullable() });
export type AdminDeploymentObject = z.infer<typeof adminDeployment>;

export const deploymentList = listOf(deployment);
export const adminDeploymentList = listOf(adminDeployment);

export const deploymentEvent = z.object({
  id: z.string(),
  type: z.string(),
  from_status: z.enum(DEPLOYMENT_STATUSES).nullable(),
  to_status: z.enum(DEPLOYMENT_STATUSES).nullable(),
  message: z.string(),
  data: z.unknown().nullable(),
  created_at: z.iso.datetime(),
});
export const deploymentEventList = listOf(deploymentEvent);

export const eventsQuery = z.object({
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(100),
  cursor: z.string().regex(/^\d{1,19}$/, 'must be a cursor returned by a previous page').optional(),
});

export const logsQuery = z.object({
  tail: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(2000, 'must be at most 2000').default(100),
});
export const deploymentLogs = z.object({ data: z.array(z.string()) });

export const adminDeploymentsQuery = z.object({
  org_id: z.string().max(64).optional(),
  status: z.enum(DEPLOYMENT_STATUSES).optional(),
});
