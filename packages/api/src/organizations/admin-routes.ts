import { defineRoute } from '../http/route';
import { CreateApiKeyRequest, CreatedApiKey, deleted, idParam } from '../http/shared-route-schemas';
import { named } from '../openapi/components';
import { pageQuery } from '../shared/pagination';
import { createOrganizationBody, organization, organizationList, updateOrganizationBody } from './schemas';

// --- admin: organizations ----------------------------------------------------------------------

const Organization = named('Organization', organization);

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
  body: CreateApiKeyRequest,
  response: CreatedApiKey,
  status: 201,
});
