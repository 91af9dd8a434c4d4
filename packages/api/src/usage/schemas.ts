import { z } from 'zod';
import { text, timestamp } from '../shared/fields';

export const usageQuery = z
  .object({
    from: timestamp.optional(),
    to: timestamp.optional(),
    granularity: z.enum(['hour', 'day'], { error: 'must be "hour" or "day"' }).default('day'),
    deployment_id: text(64).optional(),
    api_key_id: text(64).optional(),
    /** The model name the traffic was metered under (a deployment's model_name); an unknown one matches nothing. */
    model_name: text(100).optional(),
    /** Adds `groups`: the totals of the range per deployment, key or model name. */
    group_by: z.enum(['deployment_id', 'api_key_id', 'model_name'], { error: 'must be "deployment_id", "api_key_id" or "model_name"' }).optional(),
  });
export type UsageQuery = z.infer<typeof usageQuery>;

const counts = { requests: z.number().int(), input_tokens: z.number().int(), output_tokens: z.number().int() };

export const usageReport = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  granularity: z.enum(['hour', 'day']),
  /** One bucket per hour or day that saw traffic, oldest first; quiet buckets are left out. */
  data: z.array(z.object({ start: z.iso.datetime(), ...counts })),
  totals: z.object(counts),
  /**
   * With `group_by` only: the range's totals per value of that field, most requests first. `key` is the
   * deployment id, API key id or model name; null for usage of a playground key deleted since.
   */
  groups: z.array(z.object({ key: z.string().nullable(), ...counts })).optional(),
});
export type UsageReport = z.infer<typeof usageReport>;
