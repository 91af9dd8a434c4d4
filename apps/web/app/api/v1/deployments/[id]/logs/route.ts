import { readDeploymentLogs, readDeploymentLogsRoute } from '@gguf/api';
import { withOrg } from '../../../../../../lib/api/handler';

export const GET = withOrg(readDeploymentLogsRoute, ({ deps, scope, params, query }) => readDeploymentLogs(deps, scope, params.id, query.tail));
