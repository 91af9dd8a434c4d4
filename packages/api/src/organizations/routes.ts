import { defineRoute } from '../http/route';
import { named } from '../openapi/components';
import { currentOrganization, hfTokenSetting, putHfTokenBody, updateCurrentOrganizationBody } from './schemas';

// --- tenant: the organization and its endpoint -------------------------------------------------

const CurrentOrganization = named('CurrentOrganization', currentOrganization);

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
