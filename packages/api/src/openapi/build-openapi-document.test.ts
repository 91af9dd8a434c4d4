import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDeploymentBody } from '../deployments/schemas';
import { ALL_ROUTES } from '../http/all-routes';
import { buildOpenApiDocument } from './build-openapi-document';

type Json = Record<string, unknown>;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Structural checks of an OpenAPI 3.1 document: enough to catch a broken generator without the network. */
function problemsOf(doc: Json): string[] {
  const problems: string[] = [];
  if (doc.openapi !== '3.1.0') problems.push('openapi must be 3.1.0');
  const info = doc.info as Json | undefined;
  if (typeof info?.title !== 'string' || typeof info?.version !== 'string') problems.push('info.title and info.version are required');
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>;
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith('/')) problems.push(`${path}: must start with /`);
    const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const ops = Object.entries(item);
    if (ops.length === 0) problems.push(`${path}: no operations`);
    for (const [method, op] of ops) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!METHODS.includes(method)) problems.push(`${where}: unknown method`);
      if (typeof op.operationId !== 'string' || operationIds.has(op.operationId)) problems.push(`${where}: missing or duplicate operationId`);
      operationIds.add(op.operationId as string);
      const responses = (op.responses ?? {}) as Record<string, Json>;
      if (Object.keys(responses).length === 0) problems.push(`${where}: no responses`);
      for (const [status, response] of Object.entries(responses)) {
        if (!/^[1-5]\d\d$/.test(status)) problems.push(`${where}: bad status ${status}`);
        if (typeof response.description !== 'string') problems.push(`${where} ${status}: description required`);
      }
      const params = (op.parameters ?? []) as Json[];
      const pathParams = params.filter((p) => p.in === 'path').map((p) => p.name);
      if (JSON.stringify([...pathParams].sort()) !== JSON.stringify([...templated].sort())) problems.push(`${where}: path parameters ${pathParams} do not match the template`);
      for (const p of params) {
        if (!['path', 'query', 'header', 'cookie'].includes(p.in as string)) problems.push(`${where}: parameter ${p.name} has a bad location`);
        if (p.in === 'path' && p.required !== true) problems.push(`${where}: path parameter ${p.name} must be required`);
        if (typeof p.schema !== 'object') problems.push(`${where}: parameter ${p.name} has no schema`);
      }
      for (const s of op.security as Json[]) {
        for (const name of Object.keys(s)) if (!((doc.components as Json).securitySchemes as Json)[name]) problems.push(`${where}: unknown security scheme ${name}`);
      }
    }
  }
  // Every $ref must resolve inside the document.
  const visit = (node: unknown, at: string) => {
    if (Array.isArray(node)) node.forEach((n, i) => visit(n, `${at}/${i}`));
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref') {
          const target = String(v)
            .replace(/^#\//, '')
            .split('/')
            .reduce<unknown>((cur, part) => (cur as Json | undefined)?.[part], doc);
          if (!String(v).startsWith('#/') || target === undefined) problems.push(`${at}: unresolved $ref ${String(v)}`);
        } else visit(v, `${at}/${k}`);
      }
    }
  };
  visit(doc, '#');
  return problems;
}

describe('the OpenAPI document', () => {
  const doc = buildOpenApiDocument({ serverUrl: 'http://localhost:3000' });

  it('is a structurally valid OpenAPI 3.1 document whose every $ref resolves', () => {
    expect(problemsOf(doc)).toEqual([]);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('has every route, each once', () => {
    const paths = doc.paths as Record<string, Json>;
    const operations = Object.entries(paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(ALL_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const expected of [
      'POST /api/v1/deployments',
      'POST /api/v1/deployments/{id}/restart',
      'GET /api/v1/deployments/{id}/logs',
      'DELETE /api/v1/api-keys/{id}',
      'GET /api/v1/api-keys/{id}',
      'PATCH /api/v1/api-keys/{id}',
      'GET /api/v1/organization',
      'PATCH /api/v1/organization',
      'GET /api/v1/organization/models',
      'GET /api/v1/usage',
      'POST /api/v1/admin/organizations/{id}/api-keys',
      'POST /api/v1/admin/nodes/{id}/drain',
      'GET /api/v1/admin/audit-logs',
    ]) {
      expect(operations).toContain(expected);
    }
  });

  it('is generated from the schemas the handlers parse with', () => {
    const schemas = (doc.components as { schemas: Record<string, Json> }).schemas;
    const input = z.toJSONSchema(createDeploymentBody, { io: 'input', unrepresentable: 'any' }) as Json;
    delete input.$schema;
    expect(schemas.CreateDeploymentRequest).toEqual(input);
    expect(Object.keys((schemas.CreateDeploymentRequest as { properties: Json }).properties)).toEqual([
      'name',
      'model_name',
      'model_aliases',
      'model',
      'gpu',
      'context_size',
      'parallel',
      'embeddings',
      'llama_args',
      'replicas',
      'scale_down_after_s',
      'wake_timeout_s',
      'target_concurrency',
    ]);
    expect((schemas.Deployment as { required: string[] }).required).toEqual(
      expect.arrayContaining(['model_name', 'model_aliases', 'base_url', 'openai_base_url', 'desired_state', 'model_sha256', 'model_bytes', 'download', 'replicas', 'scale_down_after_s', 'wake_timeout_s', 'target_concurrency']),
    );
    expect((schemas.ApiKey as { required: string[] }).required).toEqual(expect.arrayContaining(['allowed_models', 'rate_limit_rpm', 'max_concurrent_streams', 'token_budget', 'usage_this_month']));
    expect((schemas.CreateApiKeyRequest as { properties: Record<string, Json> }).properties.token_budget).toMatchObject({ anyOf: [{ type: 'integer', minimum: 1, maximum: 1e15 }, { type: 'null' }] });
    expect((schemas.CurrentOrganization as { required: string[] }).required).toEqual(expect.arrayContaining(['default_deployment_id', 'base_url', 'openai_base_url']));
    expect((schemas.Node as { properties: Record<string, Json> }).properties.isolation).toEqual({ type: 'string', enum: ['sealed', 'network', 'none'] });
    // Scale to zero: bounds, defaults and a description for every field, in requests and answers.
    const createProps = (schemas.CreateDeploymentRequest as { properties: Record<string, Json> }).properties;
    expect(createProps.replicas).toMatchObject({
      type: 'object',
      default: { min: 1, max: 1 },
      properties: { min: { type: 'integer', minimum: 0, maximum: 16 }, max: { type: 'integer', minimum: 1, maximum: 16 } },
      additionalProperties: false,
    });
    expect(createProps.scale_down_after_s).toMatchObject({ type: 'integer', minimum: 60, maximum: 86400, default: 900 });
    expect(createProps.wake_timeout_s).toMatchObject({ type: 'integer', minimum: 10, maximum: 3600, default: 600 });
    const updateProps = (schemas.UpdateDeploymentRequest as { properties: Record<string, Json> }).properties;
    const deploymentProps = (schemas.Deployment as { properties: Record<string, Json> }).properties;
    expect(createProps.target_concurrency).toMatchObject({ anyOf: [{ type: 'integer', minimum: 1, maximum: 1024 }, { type: 'null' }], default: null });
    for (const props of [createProps, updateProps, deploymentProps]) {
      for (const field of ['replicas', 'scale_down_after_s', 'wake_timeout_s', 'target_concurrency']) expect(props[field]?.description).toMatch(/\w{4,}/);
      expect((props.replicas?.properties as Record<string, Json>).min?.description).toMatch(/sleep/);
      expect((props.replicas?.properties as Record<string, Json>).max?.description).toMatch(/autoscaling.*GPUs × this/);
    }
    // What runs it: each server with its node's name (never its id or address) for the organization, the id too for operators.
    const replicasOut = deploymentProps.replicas as { required: string[]; properties: Record<string, Json> };
    expect(replicasOut.required).toEqual(expect.arrayContaining(['min', 'max', 'inflight', 'servers']));
    const server = (replicasOut.properties.servers as { items: { required: string[]; properties: Record<string, Json> } }).items;
    expect(server.required).toEqual(expect.arrayContaining(['id', 'node', 'status', 'inflight', 'restarts', 'ready_at']));
    expect(server.properties.status).toMatchObject({ enum: ['placed', 'pulling', 'starting', 'ready', 'stopping'] });
    expect(server.properties.node).toMatchObject({ properties: { name: { type: 'string' } }, required: ['name'] });
    expect(Object.keys(server.properties.node?.properties as Json)).toEqual(['name']);
    const adminData = ((schemas.AdminDeploymentList as Json).properties as Record<string, Json>).data as Json;
    const adminServers = (((adminData.items as Json).properties as Record<string, Json>).replicas as { properties: Record<string, Json> }).properties.servers as Json;
    expect(Object.keys(((adminServers.items as Json).properties as Record<string, Json>).node?.properties as Json)).toEqual(['id', 'name']);
    expect(deploymentProps.status).toMatchObject({ enum: expect.arrayContaining(['running', 'sleeping']), description: expect.stringMatching(/wakes on the next request/) });
    const create = (doc.paths as Record<string, Record<string, Json>>)['/api/v1/deployments']?.post as Json;
    expect((create.parameters as Json[]).map((p) => p.name)).toContain('Idempotency-Key');
    expect(Object.keys(create.responses as Json)).toEqual(expect.arrayContaining(['201', '400', '401', '409']));
    expect((create.responses as Record<string, Json>)['409']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  });
});
