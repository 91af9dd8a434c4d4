import { Writable } from 'node:stream';
import { createLogger } from '@gguf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorResponse } from '../../../lib/api/respond';
import { ADMIN_TOKEN, type ApiHarness, type CallOptions, createApiHarness } from '../../../lib/testing/api-harness';
import * as auditLogs from './admin/audit-logs/route';
import * as members from './admin/organizations/[id]/members/[user_id]/route';
import * as apiKeys from './api-keys/route';
import * as events from './deployments/[id]/events/route';
import * as deployment from './deployments/[id]/route';
import * as deployments from './deployments/route';
import * as usage from './usage/route';

/**
 * The client mistakes that answered 500 (issue 9's fuzz found them), each now a 400 that names the
 * field, and nothing saved. Postgres refuses NUL in text and jsonb and years before 1; an unpaired
 * surrogate is refused by jsonb and silently mangled in text; cursors must fit their column.
 */
let h: ApiHarness;
let tenant: Awaited<ReturnType<ApiHarness['createTenant']>>;
let id: string;
const model = { source: 'local', path: 'm.gguf' };

beforeAll(async () => {
  h = await createApiHarness();
  tenant = await h.createTenant({ name: 'Careless' });
  id = (await h.call(deployments.POST, '', { method: 'POST', headers: tenant.auth, body: { name: 'ok', model, gpu: { count: 0 } } })).json.id;
});
afterAll(() => h.close());

type Handler = Parameters<ApiHarness['call']>[0];
const UNSTORABLE = 'must be valid text: no NUL characters or unpaired surrogates';

describe('no 500 for a client mistake', () => {
  it.each<[string, Handler, CallOptions, string, string]>([
    ['a NUL in a deployment name', deployments.POST, { method: 'POST', body: { name: 'a\u0000', model, gpu: { count: 0 } } }, 'name', UNSTORABLE],
    ['a lone surrogate in a deployment name', deployments.POST, { method: 'POST', body: '{"name":"\\ud800","model":{"source":"local","path":"m.gguf"},"gpu":{"count":0}}' }, 'name', UNSTORABLE],
    ['a NUL in gpu.type', deployments.POST, { method: 'POST', body: { name: 'x', model, gpu: { count: 0, type: 'L4\u0000' } } }, 'gpu.type', UNSTORABLE],
    ['a NUL in a model URL', deployments.POST, { method: 'POST', body: { name: 'x', model: { source: 'url', url: 'https://h.example/a\u0000.gguf' }, gpu: { count: 0 } } }, 'model.url', UNSTORABLE],
    ['a model URL that is no URL', deployments.POST, { method: 'POST', body: { name: 'x', model: { source: 'url', url: 'not a url' }, gpu: { count: 0 } } }, 'model.url', 'must be an https:// URL'],
    ['a lone surrogate in a renamed deployment', deployment.PATCH, { method: 'PATCH', body: '{"name":"\\udc00"}' }, 'name', UNSTORABLE],
    ['a lone surrogate in a changed gpu.type', deployment.PATCH, { method: 'PATCH', body: '{"gpu":{"count":0,"type":"x\\ud83d"}}' }, 'gpu.type', UNSTORABLE],
    ['a NUL in an API key name', apiKeys.POST, { method: 'POST', body: { name: 'ci\u0000' } }, 'name', UNSTORABLE],
    ['a lone surrogate in an API key name', apiKeys.POST, { method: 'POST', body: '{"name":"\\ud800"}' }, 'name', UNSTORABLE],
    ['an events cursor beyond a bigint', events.GET, { query: { cursor: '9999999999999999999' } }, 'cursor', 'must be a cursor returned by a previous page'],
    ['a negative events cursor', events.GET, { query: { cursor: '-1' } }, 'cursor', 'must be a cursor returned by a previous page'],
    ['a NUL as the key list cursor', apiKeys.GET, { query: { cursor: '\u0000' } }, 'cursor', UNSTORABLE],
    ['a NUL as the deployment list cursor', deployments.GET, { query: { cursor: '\u0000' } }, 'cursor', UNSTORABLE],
    ['the year 0 as a usage start', usage.GET, { query: { from: '0000-01-01T00:00:00Z' } }, 'from', 'must be between the years 1 and 9999 (UTC)'],
    ['a usage range in the year 0', usage.GET, { query: { from: '0000-01-01T00:00:00Z', to: '0000-01-02T00:00:00Z' } }, 'from', 'must be between the years 1 and 9999 (UTC)'],
    ['a NUL in a deployment id', deployment.GET, { params: { id: 'dep_\u0000' } }, 'id', UNSTORABLE],
  ])('answers %s with 400', async (_name, handler, options, param, message) => {
    const before = await h.db.deployment.count();
    const res = await h.call(handler, '/api/v1/x', { params: { id }, ...options, headers: tenant.auth });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request', param, message: expect.stringContaining(message) });
    expect(await h.db.deployment.count()).toBe(before);
  });

  it('answers the admin API the same way', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const big = await h.call(auditLogs.GET, '', { headers: admin, query: { cursor: '9223372036854775808' } });
    expect(big.json.error).toMatchObject({ type: 'invalid_request', param: 'cursor' });
    const nul = await h.call(auditLogs.GET, '', { headers: admin, query: { org_id: 'org_\u0000' } });
    expect(nul.json.error).toMatchObject({ type: 'invalid_request', param: 'org_id' });
    const member = await h.call(members.DELETE, '', { method: 'DELETE', headers: admin, params: { id: tenant.orgId, user_id: 'usr_\u0000' } });
    expect(member.json.error).toMatchObject({ type: 'invalid_request', param: 'user_id' });
  });

  it('answers 400 for a value the database refuses, should one get past validation, without its words', async () => {
    const lines: string[] = [];
    const capture = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('test', 'info', capture);
    const refused = await h.db.user.findMany({ where: { email: 'a\u0000@example.com' } }).catch((error: unknown) => error);
    const res = errorResponse(refused, 'req_test', logger);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text).error).toMatchObject({ type: 'invalid_request', request_id: 'req_test' });
    expect(text).not.toMatch(/UTF8|0x00|user|email|prisma|22021/i);
    expect(lines.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ level: 40, requestId: 'req_test', sqlState: '22021' })]);
  });

  it('reports usage at both ends of the years it accepts', async () => {
    for (const [from, to] of [
      ['0001-01-01T00:00:00Z', '0001-01-02T00:00:00Z'],
      ['9999-12-30T00:00:00Z', '9999-12-31T23:59:59.999Z'],
    ] as const) {
      const res = await h.call(usage.GET, '', { headers: tenant.auth, query: { from, to, granularity: 'hour' } });
      expect(res.status, from).toBe(200);
      expect(res.json.totals).toEqual({ requests: 0, input_tokens: 0, output_tokens: 0 });
    }
  });

  it('still pages through events with the largest cursor a bigint holds', async () => {
    const res = await h.call(events.GET, '', { headers: tenant.auth, params: { id }, query: { cursor: '9223372036854775807' } });
    expect(res.status).toBe(200);
    expect(res.json.data.length).toBeGreaterThan(0);
  });
});
