import { listDeploymentEvents, listDeploymentEventsRoute } from '@gguf/api';
import { withOrg } from '../../../../../../lib/api/handler';

export const GET = withOrg(listDeploymentEventsRoute, ({ deps, scope, params, query }) => listDeploymentEvents(deps, scope, params.id, query));
