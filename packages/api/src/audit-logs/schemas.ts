import { z } from 'zod';
import { listOf } from '../shared/pagination';

export const auditLogQuery = z.object({
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
  cursor: z.string().regex(/^\d{1,19}$/, 'must be a cursor returned by a previous page').optional(),
  org_id: z.string().max(64).optional(),
  action: z.string().max(100).optional(),
});
export type AuditLogQuery = z.infer<typeof auditLogQuery>;

export const auditLogEntry = z.object({
  id: z.string(),
  org_id: z.string().nullable(),
  actor_type: z.enum(['user', 'api_key', 'admin_token', 'system']),
  actor_id: z.string().nullable(),
  action: z.string(),
  target_type: z.string(),
  target_id: z.string().nullable(),
  details: z.unknown().nullable(),
  request_id: z.string().nullable(),
  created_at: z.iso.datetime(),
});
export const auditLogList = listOf(auditLogEntry);
