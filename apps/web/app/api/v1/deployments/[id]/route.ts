import { deleteDeployment, deleteDeploymentRoute, getDeployment, getDeploymentRoute, updateDeployment, updateDeploymentRoute } from '@gguf/api';
import { withOrg } from '../../../../../lib/api/handler';

export const GET = withOrg(getDeploymentRoute, ({ deps, scope, params }) => getDeployment(deps, scope, params.id));

export const PATCH = withOrg(updateDeploymentRoute, ({ deps, scope, params, body }) => updateDeployment(deps, scope, params.id, body));

export const DELETE = withOrg(deleteDeploymentRoute, ({ deps, scope, params }) => deleteDeployment(deps, scope, params.id));
