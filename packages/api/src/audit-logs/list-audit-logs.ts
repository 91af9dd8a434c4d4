import type { z } from 'zod';
import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { type Page, toPage } from '../shared/pagination';
import type { auditLogEntry, AuditLogQuery } from './schemas';

/** The audit log, newest first, optionally for one organization or action. */
export async function listAuditLogs(deps: ApiDeps, _scope: AdminScope, query: AuditLogQuery): Promise<Page<z.infer<typeof auditLogEntry>>> {
  const rows = await deps.db.auditLog.findMany({
    where: {
      ...(query.cursor ? { id: { lt: BigInt(query.cursor) } } : {}),
      ...(query.org_id ? { orgId: query.org_id } : {}),
      ...(query.action ? { action: query.action } : {}),
    },
    orderBy: { id: 'desc' },
    take: query.limit + 1,
  });
  return toPage(
    rows,
    query.limit,
    (row) => row.id.toString(),
    (row) => ({
      id: row.id.toString(),
      org_id: row.orgId,
      actor_type: row.actorType,
      actor_id: row.actorId,
      action: row.action,
      target_type: row.targetType,
      target_id: row.targetId,
      details: row.details ?? null,
      request_id: row.requestId,
      created_at: row.createdAt.toISOString(),
    }),
  );
}
