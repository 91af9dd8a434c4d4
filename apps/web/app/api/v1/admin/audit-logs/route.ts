import { adminListAuditLogsRoute, listAuditLogs } from '@gguf/api';
import { withAdmin } from '../../../../../lib/api/handler';

export const GET = withAdmin(adminListAuditLogsRoute, ({ deps, scope, query }) => listAuditLogs(deps, scope, query));
