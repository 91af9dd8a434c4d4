import { defineRoute } from '../http/route';
import { deleted, idParam } from '../http/shared-route-schemas';
import { named } from '../openapi/components';
import { pageQuery } from '../shared/pagination';
import { node, nodeList, registerNodeBody } from './schemas';

// --- admin: nodes ------------------------------------------------------------------------------

const Node = named('Node', node);

export const adminRegisterNodeRoute = defineRoute({
  operationId: 'adminRegisterNode',
  method: 'POST',
  path: '/api/v1/admin/nodes',
  tag: 'Admin: nodes',
  summary: 'Register a remote Docker node',
  description: 'The API only records the node; the worker connects to it. `docker_tls` is never returned.',
  auth: 'admin',
  body: named('RegisterNodeRequest', registerNodeBody),
  response: Node,
  status: 201,
  errors: ['conflict'],
});

export const adminListNodesRoute = defineRoute({
  operationId: 'adminListNodes',
  method: 'GET',
  path: '/api/v1/admin/nodes',
  tag: 'Admin: nodes',
  summary: 'List nodes and their GPUs',
  auth: 'admin',
  query: pageQuery,
  response: named('NodeList', nodeList),
  status: 200,
});

export const adminGetNodeRoute = defineRoute({
  operationId: 'adminGetNode',
  method: 'GET',
  path: '/api/v1/admin/nodes/{id}',
  tag: 'Admin: nodes',
  summary: 'Get a node',
  auth: 'admin',
  params: idParam,
  response: Node,
  status: 200,
});

const nodeAction = (action: 'cordon' | 'uncordon' | 'drain', summary: string) =>
  defineRoute({
    operationId: `adminNode${action[0]?.toUpperCase()}${action.slice(1)}`,
    method: 'POST',
    path: `/api/v1/admin/nodes/{id}/${action}`,
    tag: 'Admin: nodes',
    summary,
    auth: 'admin',
    params: idParam,
    response: Node,
    status: 200,
  });

export const adminCordonNodeRoute = nodeAction('cordon', 'Cordon a node (no new deployments)');
export const adminUncordonNodeRoute = nodeAction('uncordon', 'Uncordon a node (also ends a drain)');
export const adminDrainNodeRoute = nodeAction('drain', 'Drain a node: cordon it and move its deployments away');

export const adminDeleteNodeRoute = defineRoute({
  operationId: 'adminDeleteNode',
  method: 'DELETE',
  path: '/api/v1/admin/nodes/{id}',
  tag: 'Admin: nodes',
  summary: 'Delete a node that hosts nothing',
  auth: 'admin',
  params: idParam,
  response: deleted,
  status: 200,
  errors: ['conflict'],
});
