import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_ROUTES, type RouteSpec } from '@gguf/api';
import { type IdKind, newId } from '@gguf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteContext } from '../../../lib/api/handler';
import { ADMIN_TOKEN, type ApiHarness, createApiHarness, WEB_URL } from '../../../lib/testing/api-harness';
import {
  BAD_CONTENT_TYPES,
  BAD_PARAMS,
  BAD_QUERY_VALUES,
  type Hints,
  type IdPools,
  mutateBody,
  randomParam,
  randomQuery,
  RAW_BODIES,
  type RawBody,
  replaceAt,
  sampleOf,
  seededRandom,
  stringLeaves,
} from '../../../lib/testing/request-fuzz';

/**
 * Malformed requests against every route of the registry (a new route is fuzzed without being
 * listed here), as a tenant, as the admin and unauthenticated, on the real handlers, Postgres and
 * Redis. No answer may be a 5xx, every error keeps the API's shape and the database's words to
 * itself, and the API still works afterwards. Deterministic: the same seed sends the same requests.
 */
const SEED = 0x9e3779b9;
const RANDOM_PER_ROUTE = 24;
const UNAUTHENTICATED_PER_ROUTE = 8;
const HERE = dirname(fileURLToPath(import.meta.url));
const random = seededRandom(SEED);

type Handler = (request: Request, context: RouteContext) => Promise<Response>;
type Auth = 'tenant' | 'admin' | 'none' | 'garbage';
interface Probe {
  auth: Auth;
  params?: Record<string, string>;
  query?: string;
  body?: RawBody;
  contentType?: string | null;
  headers?: Record<string, string>;
}

let h: ApiHarness;
let tenant: Awaited<ReturnType<ApiHarness['createTenant']>>;
const handlers = new Map<RouteSpec, Handler>();
const statuses = new Map<number, number>();
const callers = new Map<Auth, number>();
const problems: string[] = [];
const { own, foreign }: IdPools = { own: {}, foreign: {} };
const KIND_BY_SEGMENT: Record<string, IdKind> = { deployments: 'deployment', 'api-keys': 'apiKey', organizations: 'organization', users: 'user', nodes: 'node', members: 'user' };
const GARBAGE_AUTH = ['Bearer', 'Bearer x', 'Basic Zm9vOmJhcg==', `Bearer gguf_${'x'.repeat(40)}`, `Bearer ${'x'.repeat(10_000)}`, 'Bearer a b', 'bearer\tgguf_x'];

let unique = 0;
const HINTS: Hints = {
  model: (v) => [{ source: 'local', path: 'fuzz/m.gguf' }, { source: 'url', url: 'https://models.example.com/fuzz.gguf' }, { source: 'huggingface', repo: 'fuzz/model', file: 'm.gguf' }][v % 3],
  name: (v) => `fuzz ${v} ${++unique}`,
  slug: () => `fuzz-${++unique}`,
  password: () => 'fuzz-password-0123',
  docker_endpoint: () => 'ssh://fuzz@node.example',
  address: () => 'node.example',
  docker_tls: () => undefined,
  owner_user_id: () => undefined,
  model_name: () => `fuzz-model-${++unique}`,
  model_aliases: () => [`fuzz-alias-${++unique}`, `fuzz-${unique}-*`],
  allowed_models: () => [...(own.deployment?.slice(0, 1) ?? []), 'fuzz-model-1', 'fuzz-*'],
  default_deployment_id: () => own.deployment?.[0],
  user_id: () => own.user?.[0],
  token: () => 'hf_fuzzFuzzFuzz0123',
};
function samples({ body }: RouteSpec): unknown[] {
  return body ? [0, 1, 2].map((variant) => sampleOf(body, HINTS, variant)) : [];
}

function authHeaders(auth: Auth): Record<string, string> {
  if (auth === 'tenant') return tenant.auth;
  if (auth === 'admin') return { authorization: `Bearer ${ADMIN_TOKEN}` };
  if (auth === 'garbage') return { authorization: random.pick(GARBAGE_AUTH) };
  return {};
}

const routeOf = (operationId: string) => ALL_ROUTES.find((r) => r.operationId === operationId) as RouteSpec;
const rightAuth = (spec: RouteSpec): Auth => (spec.auth === 'org' ? 'tenant' : spec.auth === 'admin' ? 'admin' : 'none');
const paramNames = (spec: RouteSpec) => [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
const kindOf = (spec: RouteSpec, param: string): IdKind => KIND_BY_SEGMENT[spec.path.split(`/{${param}}`)[0]?.split('/').pop() ?? ''] ?? 'deployment';
const validParams = (spec: RouteSpec) => Object.fromEntries(paramNames(spec).map((p) => [p, own[kindOf(spec, p)]?.[0] ?? newId(kindOf(spec, p))]));

function encodePath(spec: RouteSpec, params: Record<string, string>): string {
  return spec.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    try {
      return encodeURIComponent(params[name] ?? '');
    } catch {
      return 'x'; // an unpaired surrogate has no UTF-8 form; the router hands the handler the decoded value
    }
  });
}

interface Answer {
  status: number;
  json: { id?: string; data?: { id: string }[]; error?: { type: string; param?: string } };
}

async function send(spec: RouteSpec, probe: Probe): Promise<Answer> {
  const label = `${spec.method} ${spec.path} [${probe.auth}] ${JSON.stringify({ ...probe, body: String(probe.body ?? '').slice(0, 80) }).slice(0, 300)}`;
  const headers = new Headers({ ...authHeaders(probe.auth), ...probe.headers });
  if (probe.body !== undefined && probe.contentType !== null) headers.set('content-type', probe.contentType ?? 'application/json');
  const url = `${WEB_URL}${encodePath(spec, probe.params ?? {})}${probe.query ? `?${probe.query}` : ''}`;
  const handler = handlers.get(spec) as Handler;
  let response: Response;
  try {
    response = await handler(new Request(url, { method: spec.method, headers, body: probe.body }), { params: Promise.resolve(probe.params ?? {}) });
  } catch (error) {
    problems.push(`${label}: threw ${String(error)}`);
    return { status: 0, json: {} };
  }
  const text = await response.text();
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  callers.set(probe.auth, (callers.get(probe.auth) ?? 0) + 1);
  if (response.status >= 500) problems.push(`${label}: ${response.status} ${text.slice(0, 200)}`);
  if (response.status >= 400 && !/^\{"error":\{"type":"[a-z_]+","message":/.test(text)) problems.push(`${label}: not the error shape: ${text.slice(0, 200)}`);
  if (/prisma|postgres|sqlstate|invalid byte sequence|violates|\.ts:\d+|\n\s+at /i.test(text)) problems.push(`${label}: leaks internals: ${text.slice(0, 200)}`);
  return { status: response.status, json: JSON.parse(text || 'null') ?? {} };
}

beforeAll(async () => {
  h = await createApiHarness();
  for (const spec of ALL_ROUTES) {
    const module = (await import(join(HERE, spec.path.replace('/api/v1/', '').replace(/\{(\w+)\}/g, '[$1]'), 'route.ts'))) as Record<string, Handler>;
    handlers.set(spec, module[spec.method] as Handler);
  }
  tenant = await h.createTenant({ name: 'Fuzz', max_deployments: 10_000, max_gpus: 100_000 });
  const other = await h.createTenant({ name: 'Other' });
  const target = await h.createTenant({ name: 'Admin target' });
  const create = async (operationId: string, auth: Auth, body: unknown, headers?: Record<string, string>) =>
    (await send(routeOf(operationId), { auth, body: JSON.stringify(body), headers })).json.id as string;
  const deployment = () => ({ name: `d${++unique}`, model: { source: 'local', path: 'm.gguf' }, gpu: { count: 0 } });
  own.deployment = [];
  for (let i = 0; i < 5; i++) own.deployment.push(await create('createDeployment', 'tenant', deployment()));
  foreign.deployment = [await create('createDeployment', 'none', deployment(), other.auth)];
  // Keys the fuzz may revoke: never the one it authenticates with.
  own.apiKey = [];
  for (let i = 0; i < 3; i++) own.apiKey.push(await create('createApiKey', 'tenant', { name: `spare ${i}` }));
  foreign.apiKey = [other.apiKeyId];
  // The admin may change or delete these; the organization the fuzz authenticates for is never one.
  own.organization = [target.orgId];
  foreign.organization = [other.orgId];
  own.user = [await create('adminCreateUser', 'admin', { email: 'fuzz-user@example.com', name: 'Fuzz user' })];
  own.node = [await create('adminRegisterNode', 'admin', { name: 'fuzz-node', docker_endpoint: 'ssh://fuzz@node.example', address: 'node.example' })];
  expect(Object.values(own).flat().every((id) => typeof id === 'string')).toBe(true);
}, 120_000);
afterAll(() => h?.close());

describe('the REST fuzz', () => {
  it('knows a handler and a valid sample body for every route of the registry', () => {
    for (const spec of ALL_ROUTES) {
      expect(handlers.get(spec), `${spec.method} ${spec.path} has no handler`).toBeTypeOf('function');
      for (const sample of samples(spec)) {
        const parsed = spec.body?.safeParse(sample);
        expect(parsed?.error?.issues ?? [], `${spec.operationId}: add a hint so the fuzz can build a valid body`).toEqual([]);
      }
    }
  });

  it('refuses NUL and unpaired surrogates in every body string with a 400 naming the field', async () => {
    const wrong: string[] = [];
    for (const spec of ALL_ROUTES.filter((r) => r.body)) {
      for (const sample of samples(spec)) {
        for (const leaf of new Set(stringLeaves(sample))) {
          for (const fragment of ['"a\\u0000"', '"\\ud800"', '"x\\udfff"']) {
            const res = await send(spec, { auth: rightAuth(spec), params: validParams(spec), body: replaceAt(sample, leaf.split('.'), fragment) });
            if (res.status !== 400 || res.json.error?.param !== leaf) wrong.push(`${spec.operationId} ${leaf} ${fragment}: ${res.status} ${res.json.error?.param}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('refuses NUL in every query and path parameter, and unpaired surrogates in path parameters, naming it', async () => {
    const wrong: string[] = [];
    for (const spec of ALL_ROUTES) {
      for (const key of Object.keys(spec.query?.shape ?? {})) {
        for (const value of ['%00', 'a%00b', `${'1'.repeat(3)}%00`]) {
          const res = await send(spec, { auth: rightAuth(spec), params: validParams(spec), query: `${key}=${value}` });
          if (res.status !== 400 || res.json.error?.param !== key) wrong.push(`${spec.operationId} ?${key}=${value}: ${res.status}`);
        }
      }
      for (const param of paramNames(spec)) {
        for (const value of ['\u0000', `${own[kindOf(spec, param)]?.[0]}\u0000`, '\ud800', 'x\udc00']) {
          const res = await send(spec, { auth: rightAuth(spec), params: { ...validParams(spec), [param]: value } });
          if (res.status !== 400 || res.json.error?.param !== param) wrong.push(`${spec.operationId} {${param}}=${JSON.stringify(value)}: ${res.status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('answers every malformed body, content type, query value and path parameter below 500', async () => {
    for (const spec of ALL_ROUTES) {
      const auth = rightAuth(spec);
      const params = validParams(spec);
      if (spec.body) {
        for (const body of RAW_BODIES) await send(spec, { auth, params, body });
        const body = JSON.stringify(samples(spec)[0]);
        for (const contentType of BAD_CONTENT_TYPES) await send(spec, { auth, params, body, contentType });
        const tooLarge = await send(spec, { auth, params, body: `{"name":"${'x'.repeat(1024 * 1024)}"}` });
        expect(tooLarge.json.error?.type).toBe('payload_too_large');
      }
      for (const key of Object.keys(spec.query?.shape ?? {})) {
        for (const value of BAD_QUERY_VALUES) await send(spec, { auth, params, query: `${key}=${value}` });
      }
      for (const param of paramNames(spec)) {
        for (const value of [...BAD_PARAMS, ...(foreign[kindOf(spec, param)] ?? [])]) await send(spec, { auth, params: { ...params, [param]: value } });
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('answers every random malformed request below 500, as a tenant, as the admin and unauthenticated', async () => {
    for (const spec of ALL_ROUTES) {
      const bodies = samples(spec);
      for (let i = 0; i < RANDOM_PER_ROUTE + UNAUTHENTICATED_PER_ROUTE; i++) {
        const anyone = random.chance(0.7) ? rightAuth(spec) : random.pick(['tenant', 'admin', 'none', 'garbage'] as const);
        const auth: Auth = i < RANDOM_PER_ROUTE ? anyone : random.pick(['none', 'garbage'] as const);
        const params = Object.fromEntries(paramNames(spec).map((p) => [p, randomParam(random, { own, foreign }, kindOf(spec, p))]));
        const probe: Probe = { auth, params, query: randomQuery(random, Object.keys(spec.query?.shape ?? {}), VALID_QUERY) };
        if (spec.body) Object.assign(probe, mutateBody(random, random.pick(bodies)));
        else if (spec.method !== 'GET' && random.chance(0.3)) probe.body = random.pick(RAW_BODIES);
        if (spec.idempotent && random.chance(0.3)) probe.headers = { 'idempotency-key': random.pick(['', ' ', 'k\u00ff', 'x'.repeat(256), `fuzz-${i}`]) };
        await send(spec, probe);
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('leaves the API working: a normal create and list succeed', async () => {
    const create = await send(routeOf('createDeployment'), { auth: 'tenant', body: JSON.stringify({ name: 'after the fuzz', model: { source: 'local', path: 'm.gguf' }, gpu: { count: 0 } }) });
    expect(create.status).toBe(201);
    const list = await send(routeOf('listDeployments'), { auth: 'tenant', query: 'limit=100' });
    expect(list.status).toBe(200);
    expect(list.json.data?.map((d) => d.id)).toContain(create.json.id);
    expect((await send(routeOf('adminListOrganizations'), { auth: 'admin' })).status).toBe(200);
  });

  it('sent at least 500 requests, none answered 5xx', () => {
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    const distribution = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
    console.log(`REST fuzz (seed ${SEED}): ${total} requests over ${ALL_ROUTES.length} routes; statuses ${JSON.stringify(distribution)}; callers ${JSON.stringify(Object.fromEntries(callers))}`);
    expect(total).toBeGreaterThanOrEqual(500);
    expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
    expect(problems).toEqual([]);
  });
});

const VALID_QUERY: Record<string, () => string> = {
  limit: () => '5',
  cursor: () => random.pick([...(own.deployment ?? []), '1', '42']),
  from: () => new Date(Date.now() - 2 * 86_400_000).toISOString(),
  to: () => new Date().toISOString(),
  granularity: () => random.pick(['hour', 'day']),
  deployment_id: () => random.pick([...(own.deployment ?? []), ...(foreign.deployment ?? [])]),
  api_key_id: () => random.pick([...(own.apiKey ?? []), ...(foreign.apiKey ?? [])]),
  org_id: () => tenant.orgId,
  status: () => 'pending',
  tail: () => '10',
  model_name: () => random.pick(['fuzz-model-1', 'd1', 'nobody']),
  group_by: () => random.pick(['deployment_id', 'api_key_id', 'model_name']),
};
