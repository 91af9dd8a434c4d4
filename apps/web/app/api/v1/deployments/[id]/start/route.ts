import { startDeployment, startDeploymentRoute } from '@gguf/api';
import { withOrg } from '../../../../../../lib/api/handler';

export const POST = withOrg(startDeploymentRoute, ({ deps, scope, params }) => startDeployment(deps, scope, params.id));
