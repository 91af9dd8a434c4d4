import { z } from 'zod';
import { text, timestamp } from '../shared/fields';

export const usageQuery = z
  .object({
    from: timestamp.optional(),
    to: timestamp.optional(),
    granularity: z.enum(['hour', 'day'], { error: 'must be "hour" or "day"' }).default('day'),
    deployment_id: text(64).optional(),
    api_key_id: text(64).optional(),
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
});
export type UsageReport = z.infer<typeof usageReport>;
