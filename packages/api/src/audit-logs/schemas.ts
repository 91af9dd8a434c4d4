import { z } from 'zod';
import { queryInteger, text } from '../shared/fields';
import { listOf, sequenceCursor } from '../shared/pagination';

export const auditLogQuery = z.object({
  limit: queryInteger(1, 200).default(50),
  cursor: sequenceCursor.optional(),
  org_id: text(64).optional(),
  action: text(100).optional(),
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
