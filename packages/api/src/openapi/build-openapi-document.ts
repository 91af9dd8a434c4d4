import { z } from 'zod';
import { API_ERROR_STATUS, type ApiErrorCode, errorBody } from '../errors/api-error';
import { ALL_ROUTES } from '../http/all-routes';
import type { RouteSpec } from '../http/route';
import { componentName, named } from './components';

type JsonSchema = Record<string, unknown>;
type Io = 'input' | 'output';

const ERROR_DESCRIPTIONS: Record<ApiErrorCode, string> = {
  invalid_request: 'Malformed JSON or a field that fails validation (`param` names it).',
  authentication_error: 'No credentials, or an unknown, revoked or expired key or token.',
  permission_denied: 'Authenticated, but not allowed to do this.',
  not_found: 'No such object in your organization.',
  conflict: 'A limit or the current state forbids the change.',
  payload_too_large: 'The request body is larger than 1 MB.',
  rate_limited: 'Too many requests from this caller this minute; see Retry-After.',
  method_not_allowed: 'The path exists but does not answer this method; see the Allow header.',
  internal_error: 'Something broke on our side; quote the request_id.',
};

const ERROR = named('Error', errorBody);

const ALWAYS: ApiErrorCode[] = ['invalid_request', 'internal_error'];

function jsonSchema(schema: z.ZodType, io: Io): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

class Components {
  readonly schemas: Record<string, JsonSchema> = {};

  /** A $ref to a named component, or the schema inline when it has no name. */
  ref(schema: z.ZodType, io: Io): JsonSchema {
    const name = componentName(schema);
    if (!name) return jsonSchema(schema, io);
    this.schemas[name] ??= jsonSchema(schema, io);
    return { $ref: `#/components/schemas/${name}` };
  }
}

function parameters(route: RouteSpec): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [name, field] of Object.entries(route.params?.shape ?? {})) {
    out.push({ name, in: 'path', required: true, schema: jsonSchema(field as z.ZodType, 'input') });
  }
  for (const [name, field] of Object.entries(route.query?.shape ?? {})) {
    const schema = field as z.ZodType;
    out.push({ name, in: 'query', required: !schema.safeParse(undefined).success, schema: jsonSchema(schema, 'input') });
  }
  if (route.idempotent) {
    out.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'Retrying with the same key within 24 hours returns the first answer instead of acting twice.',
      schema: { type: 'string', maxLength: 255 },
    });
  }
  return out;
}

function errorCodes(route: RouteSpec): ApiErrorCode[] {
  const codes = new Set<ApiErrorCode>([...ALWAYS, ...(route.errors ?? [])]);
  if (route.auth !== 'public') codes.add('authentication_error').add('permission_denied').add('rate_limited');
  if (route.params) codes.add('not_found');
  if (route.body) codes.add('payload_too_large');
  return [...codes].sort((a, b) => API_ERROR_STATUS[a] - API_ERROR_STATUS[b]);
}

const SECURITY = {
  org: [{ apiKey: [] }, { session: [] }],
  admin: [{ adminToken: [] }, { session: [] }],
  public: [],
} as const;

/** The OpenAPI 3.1 document, generated from the same route specs and zod schemas the handlers use. */
export function buildOpenApiDocument(options: { serverUrl?: string } = {}): JsonSchema {
  const components = new Components();
  const errorRef = components.ref(ERROR, 'output');
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of ALL_ROUTES) {
    const responses: Record<string, JsonSchema> = {
      [route.status]: { description: route.summary, content: { 'application/json': { schema: components.ref(route.response, 'output') } } },
    };
    for (const code of errorCodes(route)) {
      responses[API_ERROR_STATUS[code]] = { description: ERROR_DESCRIPTIONS[code], content: { 'application/json': { schema: errorRef } } };
    }
    const operation: JsonSchema = {
      operationId: route.operationId,
      tags: [route.tag],
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      parameters: parameters(route),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: components.ref(route.body, 'input') } } } } : {}),
      responses,
      security: SECURITY[route.auth],
    };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'GGUF Cloud control plane',
      version: '1.0.0',
      description: 'Manage deployments, API keys and usage (tenants), and organizations, users and nodes (operators). JSON with snake_case fields; lists are `{ data, next_cursor }`.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An organization API key (`gguf_…`).' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'The platform ADMIN_TOKEN.' },
        session: { type: 'apiKey', in: 'cookie', name: 'next-auth.session-token', description: "The dashboard's session cookie." },
      },
    },
  };
}
