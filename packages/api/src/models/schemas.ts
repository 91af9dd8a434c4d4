import { DEPLOYMENT_STATUSES, DESIRED_STATES } from '@gguf/core';
import { z } from 'zod';

/** One deployment as the organization endpoint (/api/llm) sees it: the names `model` may use to pick it. */
export const organizationModel = z.object({
  model_name: z.string(),
  /** Exact names or `*` globs. */
  model_aliases: z.array(z.string()),
  deployment_id: z.string(),
  deployment_name: z.string(),
  status: z.enum(DEPLOYMENT_STATUSES),
  desired_state: z.enum(DESIRED_STATES),
  /** Whether this deployment answers the names that match nothing else (the organization's default). */
  default: z.boolean(),
});
export type OrganizationModelObject = z.infer<typeof organizationModel>;

export const organizationModelList = z.object({ data: z.array(organizationModel) });
export type OrganizationModelList = z.infer<typeof organizationModelList>;
