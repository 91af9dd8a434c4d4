import { z } from 'zod';
import { defineRoute } from '../http/route';
import { CreateApiKeyRequest, CreatedApiKey, idParam } from '../http/shared-route-schemas';
import { named } from '../openapi/components';
import { pageQuery } from '../shared/pagination';
import { apiKey, apiKeyList, updateApiKeyBody } from './schemas';

// --- tenant: API keys --------------------------------------------------------------------------

const ApiKey = named('ApiKey', apiKey);

export const createApiKeyRoute = defineRoute({
  operationId: 'createApiKey',
  method: 'POST',
  path: '/api/v1/api-keys',
  tag: 'API keys',
  summary: 'Create an API key',
  description:
    'The secret (`key`) is in this response only; store it now. `allowed_models` (names, `*` globs, deployment ids; empty = every model) restricts the key to calling models, and it cannot use this API. Needs the owner or admin role.',
  auth: 'org',
  body: CreateApiKeyRequest,
  response: CreatedApiKey,
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
