import { restartDeployment, restartDeploymentRoute } from '@gguf/api';
import { withOrg } from '../../../../../../lib/api/handler';

export const POST = withOrg(restartDeploymentRoute, ({ deps, scope, params }) => restartDeployment(deps, scope, params.id));
