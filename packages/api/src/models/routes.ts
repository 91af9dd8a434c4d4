import { defineRoute } from '../http/route';
import { named } from '../openapi/components';
import { organizationModelList } from './schemas';

// --- tenant: the organization endpoint's models ------------------------------------------------

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
