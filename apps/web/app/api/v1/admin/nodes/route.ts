import { adminListNodesRoute, adminRegisterNodeRoute, listNodes, registerNode } from '@gguf/api';
import { withAdmin } from '../../../../../lib/api/handler';

export const POST = withAdmin(adminRegisterNodeRoute, ({ deps, scope, body }) => registerNode(deps, scope, body));

export const GET = withAdmin(adminListNodesRoute, ({ deps, scope, query }) => listNodes(deps, scope, query));
