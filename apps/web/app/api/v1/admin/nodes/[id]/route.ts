import { adminDeleteNodeRoute, adminGetNodeRoute, deleteNode, getNode } from '@gguf/api';
import { withAdmin } from '../../../../../../lib/api/handler';

export const GET = withAdmin(adminGetNodeRoute, ({ deps, scope, params }) => getNode(deps, scope, params.id));

export const DELETE = withAdmin(adminDeleteNodeRoute, ({ deps, scope, params }) => deleteNode(deps, scope, params.id));
