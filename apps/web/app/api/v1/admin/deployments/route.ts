import { adminListDeploymentsRoute, listAllDeployments } from '@gguf/api';
import { withAdmin } from '../../../../../lib/api/handler';

export const GET = withAdmin(adminListDeploymentsRoute, ({ deps, scope, query }) => listAllDeployments(deps, scope, query));
