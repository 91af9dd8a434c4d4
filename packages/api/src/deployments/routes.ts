import { defineRoute } from '../http/route';
import { deleted, idParam } from '../http/shared-route-schemas';
import { named } from '../openapi/components';
import { pageQuery } from '../shared/pagination';
import {
  createDeploymentBody,
  deployment,
  deploymentEventList,
  deploymentList,
  deploymentLogs,
  eventsQuery,
  logsQuery,
  updateDeploymentBody,
} from './schemas';

// --- tenant: deployments ---------------------------------------------------------------------

const Deployment = named('Deployment', deployment);

export const createDeploymentRoute = defineRoute({
  operationId: 'createDeployment',
  method: 'POST',
  path: '/api/v1/deployments',
  tag: 'Deployments',
  summary: 'Create a deployment',
  description:
    'Saves the deployment (status `pending`) and queues it for the worker. Honors `Idempotency-Key`. `model_name` defaults to a slug of `name`, made unique in the organization with -2, -3…; a model name or alias another deployment already answers to is refused with 409 naming it.',
  auth: 'org',
  body: named('CreateDeploymentRequest', createDeploymentBody),
  response: Deployment,
  status: 201,
  idempotent: true,
  errors: ['conflict'],
});

export const listDeploymentsRoute = defineRoute({
  operationId: 'listDeployments',
  method: 'GET',
  path: '/api/v1/deployments',
  tag: 'Deployments',
  summary: 'List deployments',
  auth: 'org',
  query: pageQuery,
  response: named('DeploymentList', deploymentList),
  status: 200,
});

export const getDeploymentRoute = defineRoute({
  operationId: 'getDeployment',
  method: 'GET',
  path: '/api/v1/deployments/{id}',
  tag: 'Deployments',
  summary: 'Get a deployment',
  auth: 'org',
  params: idParam,
  response: Deployment,
  status: 200,
});

export const updateDeploymentRoute = defineRoute({
  operationId: 'updateDeployment',
  method: 'PATCH',
  path: '/api/v1/deployments/{id}',
  tag: 'Deployments',
  summary: 'Rename a deployment or change its settings',
  description:
    'A rename alone (name, model_name, model_aliases) changes nothing that runs. Changing model, gpu, context_size, parallel, embeddings or llama_args bumps the generation and redeploys. A model name or alias another deployment already answers to is refused with 409 naming it.',
  auth: 'org',
  params: idParam,
  body: named('UpdateDeploymentRequest', updateDeploymentBody),
  response: Deployment,
  status: 200,
  errors: ['conflict'],
});

export const deleteDeploymentRoute = defineRoute({
  operationId: 'deleteDeployment',
  method: 'DELETE',
  path: '/api/v1/deployments/{id}',
  tag: 'Deployments',
  summary: 'Delete a deployment',
  description: 'The deployment disappears from the API at once; the worker stops its server and releases its GPUs.',
  auth: 'org',
  params: idParam,
  response: deleted,
  status: 200,
});

const stateRoute = (action: 'start' | 'stop' | 'restart', summary: string) =>
  defineRoute({
    operationId: `${action}Deployment`,
    method: 'POST',
    path: `/api/v1/deployments/{id}/${action}`,
    tag: 'Deployments',
    summary,
    description: 'Records the wish; the worker acts on it. Honors `Idempotency-Key`, so a retried restart is not a second restart.',
    auth: 'org',
    params: idParam,
    response: Deployment,
    status: 200,
    idempotent: true,
    errors: ['conflict'],
  });

export const startDeploymentRoute = stateRoute('start', 'Start a deployment');
export const stopDeploymentRoute = stateRoute('stop', 'Stop a deployment');
export const restartDeploymentRoute = stateRoute('restart', 'Restart a deployment (new generation)');

export const listDeploymentEventsRoute = defineRoute({
  operationId: 'listDeploymentEvents',
  method: 'GET',
  path: '/api/v1/deployments/{id}/events',
  tag: 'Deployments',
  summary: "A deployment's timeline, newest first",
  auth: 'org',
  params: idParam,
  query: eventsQuery,
  response: named('DeploymentEventList', deploymentEventList),
  status: 200,
});

export const readDeploymentLogsRoute = defineRoute({
  operationId: 'readDeploymentLogs',
  method: 'GET',
  path: '/api/v1/deployments/{id}/logs',
  tag: 'Deployments',
  summary: 'The last lines of llama-server output, oldest first',
  auth: 'org',
  params: idParam,
  query: logsQuery,
  response: named('DeploymentLogs', deploymentLogs),
  status: 200,
});
