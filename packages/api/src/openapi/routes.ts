import { z } from 'zod';
import { defineRoute } from '../http/route';

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

