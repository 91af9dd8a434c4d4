import { defineRoute } from '../http/route';
import { named } from '../openapi/components';
import { auditLogList, auditLogQuery } from './schemas';

// --- admin: audit log --------------------------------------------------------------------------

export const adminListAuditLogsRoute = defineRoute({
  operationId: 'adminListAuditLogs',
  method: 'GET',
  path: '/api/v1/admin/audit-logs',
  tag: 'Admin: audit log',
  summary: 'Read the audit log, newest first',
  auth: 'admin',
  query: auditLogQuery,
  response: named('AuditLogList', auditLogList),
  status: 200,
});
