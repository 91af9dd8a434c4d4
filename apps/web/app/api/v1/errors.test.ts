import { createDatabase } from '@gguf/db';
import { createRedis } from '@gguf/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from '../../../lib/testing/api-harness';
import { setServerContextForTests } from '../../../lib/server/context';
import * as unknown from './[...path]/route';
import * as deployments from './deployments/route';
import * as openapi from './openapi.json/route';

let h: ApiHarness;
let tenant: Awaited<ReturnType<ApiHarness['createTenant']>>;

beforeAll(async () => {
  h = await createApiHarness();
  tenant = await h.createTenant({ name: 'Errors' });
});
afterAll(() => h.close());

describe('errors', () => {
  it('answer an unknown endpoint with a JSON 404', async () => {
    const res = await h.call(unknown.GET, '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.json.error).toMatchObject({ type: 'not_found', message: expect.stringContaining('GET /api/v1/nothing-here') });
  });

  it('turn an unexpected failure into a generic 500 with the request id and no details', async () => {
    // A real client whose database is unreachable (nothing listens on port 1).
    const broken = createDatabase('postgresql://user:secret@127.0.0.1:1/none', { poolSize: 1 });
    setServerContextForTests({ ...h.context, db: broken, deps: { ...h.context.deps, db: broken } });
    try {
      const res = await h.call(deployments.GET, '/api/v1/deployments', { headers: tenant.auth });
      expect(res.status).toBe(500);
      const requestId = res.headers.get('x-request-id');
      expect(res.json).toEqual({ error: { type: 'internal_error', message: expect.stringContaining(requestId ?? 'missing'), request_id: requestId } });
      expect(res.text).not.toMatch(/ECONNREFUSED|secret|at .*\(|\.ts:\d+/);
    } finally {
      setServerContextForTests(h.context);
      await broken.$disconnect();
    }
  });
});

describe('a Redis outage', () => {
  it('neither fails nor holds a change that is saved: the notification is skipped for the reconcile loop', async () => {
    const down = createRedis('redis://127.0.0.1:1', 'test-down');
    setServerContextForTests({ ...h.context, redis: down, deps: { ...h.context.deps, redis: down } });
    try {
      const res = await h.call(deployments.POST, '', { method: 'POST', headers: tenant.auth, body: { name: 'offline', model: { source: 'local', path: 'm.gguf' }, gpu: { count: 0 } } });
      expect(res.status).toBe(201);
      expect(await h.db.deployment.count({ where: { id: res.json.id } })).toBe(1);
      expect(await h.jobsFor(res.json.id)).toEqual([]);
    } finally {
      setServerContextForTests(h.context);
      // Not closeRedis: it waits for an 'end' event that ioredis does not emit while reconnecting.
      down.disconnect();
    }
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After once a caller passes the per-minute limit, per caller', async () => {
    const busy = await h.createTenant({ name: 'Busy' });
    const calm = await h.createTenant({ name: 'Calm' });
    setServerContextForTests({ ...h.context, env: { ...h.context.env, API_RATE_LIMIT_RPM: 3 } });
    try {
      const responses = [];
      // Seven calls: however a minute boundary splits them, one window sees more than three.
      for (let i = 0; i < 7; i++) responses.push(await h.call(deployments.GET, '', { headers: busy.auth }));
      const limited = responses.find((r) => r.status === 429);
      expect(limited?.json.error).toMatchObject({ type: 'rate_limited', message: expect.stringContaining('3 requests per minute') });
      expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await h.call(deployments.GET, '', { headers: calm.auth })).status).toBe(200);
    } finally {
      setServerContextForTests(h.context);
    }
  });
});

describe('GET /api/v1/openapi.json', () => {
  it('serves the document without authentication', async () => {
    const res = await h.call(openapi.GET, '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    expect(res.json.servers).toEqual([{ url: 'http://localhost:3000' }]);
    expect(Object.keys(res.json.paths)).toContain('/api/v1/deployments/{id}');
  });
});
