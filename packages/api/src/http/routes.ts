import { z } from 'zod';
import { apiKey, apiKeyList, createApiKeyBody, createdApiKey, updateApiKeyBody } from '../api-keys/schemas';
import { auditLogList, auditLogQuery } from '../audit-logs/schemas';
import {
  adminDeploymentList,
  adminDeploymentsQuery,
  createDeploymentBody,
  deployment,
  deploymentEventList,
  deploymentList,
  deploymentLogs,
  eventsQuery,
  logsQuery,
  updateDeploymentBody,
} from '../deployments/schemas';
import { membership, membershipList, putMembershipBody } from '../memberships/schemas';
import { organizationModelList } from '../models/schemas';
import { node, nodeList, registerNodeBody } from '../nodes/schemas';
import { named } from '../openapi/components';
import {
  createOrganizationBody,
  currentOrganization,
  hfTokenSetting,
  organization,
  organizationList,
  putHfTokenBody,
  updateCurrentOrganizationBody,
  updateOrganizationBody,
} from '../organizations/schemas';
import { pathParam } from '../shared/fields';
import { pageQuery } from '../shared/pagination';
import { usageQuery, usageReport } from '../usage/schemas';
import { createdUser, createUserBody, updateUserBody, user, userList } from '../users/schemas';
import { defineRoute } from './route';

const idParam = z.object({ id: pathParam });
const memberParams = z.object({ id: pathParam, user_id: pathParam });
const deleted = named('Deleted', z.object({ id: z.string(), deleted: z.literal(true) }));

const Deployment = named('Deployment', deployment);
const Organization = named('Organization', organization);
const Node = named('Node', node);
const ApiKey = named('ApiKey', apiKey);
const CurrentOrganization = named('CurrentOrganization', currentOrganization);
const User = named('User', user);

// --- tenant: deployments ---------------------------------------------------------------------

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

// --- tenant: API keys and usage ----------------------------------------------------------------

export const createApiKeyRoute = defineRoute({
  operationId: 'createApiKey',
  method: 'POST',
  path: '/api/v1/api-keys',
  tag: 'API keys',
  summary: 'Create an API key',
  description:
    'The secret (`key`) is in this response only; store it now. `allowed_models` (names, `*` globs, deployment ids; empty = every model) restricts the key to calling models, and it cannot use this API. Needs the owner or admin role.',
  auth: 'org',
  body: named('CreateApiKeyRequest', createApiKeyBody),
  response: named('CreatedApiKey', createdApiKey),
  status: 201,
  errors: ['conflict', 'not_found'],
});

export const listApiKeysRoute = defineRoute({
  operationId: 'listApiKeys',
  method: 'GET',
  path: '/api/v1/api-keys',
  tag: 'API keys',
  summary: 'List API keys (never the secret)',
  auth: 'org',
  query: pageQuery,
  response: named('ApiKeyList', apiKeyList),
  status: 200,
});

export const getApiKeyRoute = defineRoute({
  operationId: 'getApiKey',
  method: 'GET',
  path: '/api/v1/api-keys/{id}',
  tag: 'API keys',
  summary: 'Get an API key (never the secret), with its token use this month',
  auth: 'org',
  params: idParam,
  response: ApiKey,
  status: 200,
});

export const updateApiKeyRoute = defineRoute({
  operationId: 'updateApiKey',
  method: 'PATCH',
  path: '/api/v1/api-keys/{id}',
  tag: 'API keys',
  summary: "Rename a key or change its allowed models, limits and monthly token budget",
  description: 'null lifts a limit; `allowed_models: []` lets the key call every model. Published to every gateway, which apply it within a second. Needs the owner or admin role.',
  auth: 'org',
  params: idParam,
  body: named('UpdateApiKeyRequest', updateApiKeyBody),
  response: ApiKey,
  status: 200,
});

export const revokeApiKeyRoute = defineRoute({
  operationId: 'revokeApiKey',
  method: 'DELETE',
  path: '/api/v1/api-keys/{id}',
  tag: 'API keys',
  summary: 'Revoke an API key',
  description: 'Published to every gateway, which refuse the key within a second.',
  auth: 'org',
  params: idParam,
  response: named('RevokedApiKey', z.object({ id: z.string(), revoked: z.literal(true) })),
  status: 200,
});

export const getUsageRoute = defineRoute({
  operationId: 'getUsage',
  method: 'GET',
  path: '/api/v1/usage',
  tag: 'Usage',
  summary: 'Requests and tokens by hour or day',
  description:
    'Defaults: the last 30 days by day, or the last 24 hours by hour. At most 366 days by day or 31 days by hour. Filter by `deployment_id`, `api_key_id` or `model_name`; `group_by` adds the totals per deployment, key or model name.',
  auth: 'org',
  query: usageQuery,
  response: named('UsageReport', usageReport),
  status: 200,
  errors: ['not_found'],
});

// --- tenant: the organization and its endpoint -------------------------------------------------

export const getCurrentOrganizationRoute = defineRoute({
  operationId: 'getOrganization',
  method: 'GET',
  path: '/api/v1/organization',
  tag: 'Organization',
  summary: 'Your organization: its endpoint, default deployment and limits',
  description: '`base_url` is the organization endpoint, where `model` picks the deployment by its model name or alias (see docs/gateway.md).',
  auth: 'org',
  response: CurrentOrganization,
  status: 200,
});

export const updateCurrentOrganizationRoute = defineRoute({
  operationId: 'updateOrganization',
  method: 'PATCH',
  path: '/api/v1/organization',
  tag: 'Organization',
  summary: "Set or clear the organization's default deployment",
  description: 'The default deployment answers a `model` that matches no model name or alias on the organization endpoint; null = none (such a model answers 404). Needs the owner or admin role.',
  auth: 'org',
  body: named('UpdateOrganizationSettingsRequest', updateCurrentOrganizationBody),
  response: CurrentOrganization,
  status: 200,
  errors: ['not_found'],
});

export const listModelsRoute = defineRoute({
  operationId: 'listOrganizationModels',
  method: 'GET',
  path: '/api/v1/organization/models',
  tag: 'Organization',
  summary: "The organization endpoint's models: each deployment's model name, aliases and status",
  description: 'Every live deployment, sorted by model name; `default` marks the default deployment.',
  auth: 'org',
  response: named('OrganizationModelList', organizationModelList),
  status: 200,
});

// --- tenant: the organization's Hugging Face token ----------------------------------------------

const HfTokenSetting = named('HfTokenSetting', hfTokenSetting);

export const getHfTokenRoute = defineRoute({
  operationId: 'getOrganizationHfToken',
  method: 'GET',
  path: '/api/v1/organization/hf-token',
  tag: 'Organization',
  summary: "Whether the organization's downloads have a Hugging Face token",
  description: 'Never returns the token: only whether one is set, and whether an admin lets the organization use the platform token instead.',
  auth: 'org',
  response: HfTokenSetting,
  status: 200,
});

export const putHfTokenRoute = defineRoute({
  operationId: 'putOrganizationHfToken',
  method: 'PUT',
  path: '/api/v1/organization/hf-token',
  tag: 'Organization',
  summary: "Set the organization's own Hugging Face token",
  description:
    "Used for this organization's Hugging Face downloads only (gated or private repositories), before any platform token. Stored encrypted; it is never shown again. Needs the owner or admin role.",
  auth: 'org',
  body: named('PutHfTokenRequest', putHfTokenBody),
  response: HfTokenSetting,
  status: 200,
});

export const deleteHfTokenRoute = defineRoute({
  operationId: 'deleteOrganizationHfToken',
  method: 'DELETE',
  path: '/api/v1/organization/hf-token',
  tag: 'Organization',
  summary: "Remove the organization's own Hugging Face token",
  description: 'Needs the owner or admin role.',
  auth: 'org',
  response: HfTokenSetting,
  status: 200,
});

// --- admin: organizations and members ----------------------------------------------------------

export const adminCreateOrganizationRoute = defineRoute({
  operationId: 'adminCreateOrganization',
  method: 'POST',
  path: '/api/v1/admin/organizations',
  tag: 'Admin: organizations',
  summary: 'Create an organization',
  auth: 'admin',
  body: named('CreateOrganizationRequest', createOrganizationBody),
  response: Organization,
  status: 201,
  errors: ['conflict'],
});

export const adminListOrganizationsRoute = defineRoute({
  operationId: 'adminListOrganizations',
  method: 'GET',
  path: '/api/v1/admin/organizations',
  tag: 'Admin: organizations',
  summary: 'List organizations',
  auth: 'admin',
  query: pageQuery,
  response: named('OrganizationList', organizationList),
  status: 200,
});

export const adminGetOrganizationRoute = defineRoute({
  operationId: 'adminGetOrganization',
  method: 'GET',
  path: '/api/v1/admin/organizations/{id}',
  tag: 'Admin: organizations',
  summary: 'Get an organization',
  auth: 'admin',
  params: idParam,
  response: Organization,
  status: 200,
});

export const adminUpdateOrganizationRoute = defineRoute({
  operationId: 'adminUpdateOrganization',
  method: 'PATCH',
  path: '/api/v1/admin/organizations/{id}',
  tag: 'Admin: organizations',
  summary: "Rename an organization or change its quotas",
  auth: 'admin',
  params: idParam,
  body: named('UpdateOrganizationRequest', updateOrganizationBody),
  response: Organization,
  status: 200,
});

export const adminDeleteOrganizationRoute = defineRoute({
  operationId: 'adminDeleteOrganization',
  method: 'DELETE',
  path: '/api/v1/admin/organizations/{id}',
  tag: 'Admin: organizations',
  summary: 'Delete an organization, its deployments and keys',
  auth: 'admin',
  params: idParam,
  response: deleted,
  status: 200,
});

export const adminCreateOrganizationApiKeyRoute = defineRoute({
  operationId: 'adminCreateOrganizationApiKey',
  method: 'POST',
  path: '/api/v1/admin/organizations/{id}/api-keys',
  tag: 'Admin: organizations',
  summary: "Create an API key for an organization (bootstrap a tenant's first key)",
  auth: 'admin',
  params: idParam,
  body: named('CreateApiKeyRequest', createApiKeyBody),
  response: named('CreatedApiKey', createdApiKey),
  status: 201,
});

export const adminListMembersRoute = defineRoute({
  operationId: 'adminListMembers',
  method: 'GET',
  path: '/api/v1/admin/organizations/{id}/members',
  tag: 'Admin: organizations',
  summary: "List an organization's members",
  auth: 'admin',
  params: idParam,
  response: named('MembershipList', membershipList),
  status: 200,
});

export const adminPutMemberRoute = defineRoute({
  operationId: 'adminPutMember',
  method: 'POST',
  path: '/api/v1/admin/organizations/{id}/members',
  tag: 'Admin: organizations',
  summary: "Add a member, or change a member's role",
  auth: 'admin',
  params: idParam,
  body: named('PutMembershipRequest', putMembershipBody),
  response: named('Membership', membership),
  status: 200,
});

export const adminRemoveMemberRoute = defineRoute({
  operationId: 'adminRemoveMember',
  method: 'DELETE',
  path: '/api/v1/admin/organizations/{id}/members/{user_id}',
  tag: 'Admin: organizations',
  summary: 'Remove a member',
  auth: 'admin',
  params: memberParams,
  response: named('RemovedMembership', z.object({ org_id: z.string(), user_id: z.string(), deleted: z.literal(true) })),
  status: 200,
});

// --- admin: users ------------------------------------------------------------------------------

export const adminCreateUserRoute = defineRoute({
  operationId: 'adminCreateUser',
  method: 'POST',
  path: '/api/v1/admin/users',
  tag: 'Admin: users',
  summary: 'Create a user',
  description: 'Without `password`, one is generated and returned in this response only.',
  auth: 'admin',
  body: named('CreateUserRequest', createUserBody),
  response: named('CreatedUser', createdUser),
  status: 201,
  errors: ['conflict'],
});

export const adminListUsersRoute = defineRoute({
  operationId: 'adminListUsers',
  method: 'GET',
  path: '/api/v1/admin/users',
  tag: 'Admin: users',
  summary: 'List users',
  auth: 'admin',
  query: pageQuery,
  response: named('UserList', userList),
  status: 200,
});

export const adminGetUserRoute = defineRoute({
  operationId: 'adminGetUser',
  method: 'GET',
  path: '/api/v1/admin/users/{id}',
  tag: 'Admin: users',
  summary: 'Get a user',
  auth: 'admin',
  params: idParam,
  response: User,
  status: 200,
});

export const adminUpdateUserRoute = defineRoute({
  operationId: 'adminUpdateUser',
  method: 'PATCH',
  path: '/api/v1/admin/users/{id}',
  tag: 'Admin: users',
  summary: 'Rename, reset the password, disable/enable, or make platform admin',
  auth: 'admin',
  params: idParam,
  body: named('UpdateUserRequest', updateUserBody),
  response: User,
  status: 200,
  errors: ['conflict'],
});

// --- admin: nodes ------------------------------------------------------------------------------

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

// --- admin: deployments and audit --------------------------------------------------------------

export const adminListDeploymentsRoute = defineRoute({
  operationId: 'adminListDeployments',
  method: 'GET',
  path: '/api/v1/admin/deployments',
  tag: 'Admin: deployments',
  summary: 'List deployments across organizations',
  auth: 'admin',
  query: pageQuery.extend(adminDeploymentsQuery.shape),
  response: named('AdminDeploymentList', adminDeploymentList),
  status: 200,
});

export const adminListAuditLogsRoute = defineRoute({
  operationId: 'adminListAuditLogs',
  method: 'GET',
  path: '/api/v1/admin/audit-logs',
  tag: 'Admin: audit log',
  summary: 'Read the audit log, newest first',
  auth: 'admin',
  query: auditLogQuery,
  response: named('AuditLogList', auditLogList),
  status: 200,
});

// --- meta --------------------------------------------------------------------------------------

export const openApiRoute = defineRoute({
  operationId: 'getOpenApiDocument',
  method: 'GET',
  path: '/api/v1/openapi.json',
  tag: 'Meta',
  summary: 'This API as an OpenAPI 3.1 document',
  auth: 'public',
  response: z.record(z.string(), z.unknown()),
  status: 200,
});

