import { stopDeployment, stopDeploymentRoute } from '@gguf/api';
import { withOrg } from '../../../../../../lib/api/handler';

export const POST = withOrg(stopDeploymentRoute, ({ deps, scope, params }) => stopDeployment(deps, scope, params.id));
