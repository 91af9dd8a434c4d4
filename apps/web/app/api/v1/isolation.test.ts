import { newId } from '@gguf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, type CallOptions, type CallResult, createApiHarness } from '../../../lib/testing/api-harness';
import * as apiKey from './api-keys/[id]/route';
import * as apiKeys from './api-keys/route';
import * as events from './deployments/[id]/events/route';
import * as logs from './deployments/[id]/logs/route';
import * as restart from './deployments/[id]/restart/route';
import * as deployment from './deployments/[id]/route';
import * as start from './deployments/[id]/start/route';
import * as stop from './deployments/[id]/stop/route';
import * as deployments from './deployments/route';
import * as models from './organization/models/route';
import * as organization from './organization/route';
import * as usage from './usage/route';

/**
 * Another organization's object must be indistinguishable from one that does not exist: same
 * status, same body (the id it was asked about aside), and nothing changed.
 */
let h: ApiHarness;
let a: Awaited<ReturnType<ApiHarness['createTenant']>>;
let b: Awaited<ReturnType<ApiHarness['createTenant']>>;
let aDeployment: string;
/** One of b's own keys, which b changes while naming a's deployment. */
let ownKey: string;

const model = { source: 'huggingface', repo: 'a/b', file: 'm.gguf' };

beforeAll(async () => {
  h = await createApiHarness();
  a = await h.createTenant({ name: 'Alpha' });
  b = await h.createTenant({ name: 'Beta' });
  aDeployment = (await h.call(deployments.POST, '', { method: 'POST', headers: a.auth, body: { name: 'a-dep', model_aliases: ['a-*'], model, gpu: { count: 1 } } })).json.id;
  ownKey = (await h.call(apiKeys.POST, '', { method: 'POST', headers: b.auth, body: { name: 'b-spare' } })).json.id;
  await h.db.usageHourly.create({
    data: { apiKeyId: a.apiKeyId, deploymentId: aDeployment, orgId: a.orgId, hour: new Date(Date.now() - 3600_000), requests: 7n, inputTokens: 70n, outputTokens: 700n },
  });
});
afterAll(() => h.close());

type Handler = Parameters<ApiHarness['call']>[0];
type Probe = [name: string, handler: Handler, kind: 'deployment' | 'apiKey', build: (id: string) => CallOptions];

const byId = (method: string, body?: unknown) => (id: string) => ({ method, params: { id }, ...(body ? { body } : {}) });

const PROBES: Probe[] = [
  ['GET /deployments/{id}', deployment.GET, 'deployment', byId('GET')],
  ['PATCH /deployments/{id} (rename)', deployment.PATCH, 'deployment', byId('PATCH', { name: 'stolen' })],
  ['PATCH /deployments/{id} (settings)', deployment.PATCH, 'deployment', byId('PATCH', { gpu: { count: 0 } })],
  ['DELETE /deployments/{id}', deployment.DELETE, 'deployment', byId('DELETE')],
  ['POST /deployments/{id}/start', start.POST, 'deployment', byId('POST')],
  ['POST /deployments/{id}/stop', stop.POST, 'deployment', byId('POST')],
  ['POST /deployments/{id}/restart', restart.POST, 'deployment', byId('POST')],
  ['GET /deployments/{id}/events', events.GET, 'deployment', byId('GET')],
  ['GET /deployments/{id}/logs', logs.GET, 'deployment', byId('GET')],
  ['GET /api-keys/{id}', apiKey.GET, 'apiKey', byId('GET')],
  ['PATCH /api-keys/{id}', apiKey.PATCH, 'apiKey', byId('PATCH', { name: 'stolen', token_budget: 1 })],
  ['DELETE /api-keys/{id}', apiKey.DELETE, 'apiKey', byId('DELETE')],
  ['POST /api-keys allowed the deployment', apiKeys.POST, 'deployment', (id) => ({ method: 'POST', body: { name: 'k', allowed_models: [id] } })],
  ['PATCH /api-keys/{id} allowed the deployment', apiKey.PATCH, 'deployment', (id) => ({ method: 'PATCH', params: { id: ownKey }, body: { allowed_models: ['mine', id] } })],
  ['PATCH /organization default deployment', organization.PATCH, 'deployment', (id) => ({ method: 'PATCH', body: { default_deployment_id: id } })],
  ['GET /usage?deployment_id', usage.GET, 'deployment', (id) => ({ query: { deployment_id: id } })],
  ['GET /usage?api_key_id', usage.GET, 'apiKey', (id) => ({ query: { api_key_id: id } })],
];

/** The response with the id asked about and the request id masked. */
function normalized(res: CallResult, id: string) {
  return { status: res.status, text: res.text.replaceAll(id, '<id>').replace(/req_[0-9a-z]+/g, '<request>') };
}

describe('tenant isolation', () => {
  it.each(PROBES)("%s: another organization's object answers exactly like a missing one", async (_name, handler, kind, build) => {
    const foreignId = kind === 'deployment' ? aDeployment : a.apiKeyId;
    const missingId = newId(kind);
    const foreign = await h.call(handler, '', { ...build(foreignId), headers: b.auth });
    const missing = await h.call(handler, '', { ...build(missingId), headers: b.auth });
    expect(foreign.status).toBe(404);
    expect(normalized(foreign, foreignId)).toEqual(normalized(missing, missingId));
    expect(foreign.json.error.type).toBe('not_found');
  });

  it("left the other organization's objects untouched", async () => {
    const row = await h.db.deployment.findUniqueOrThrow({ where: { id: aDeployment } });
    expect(row).toMatchObject({ name: 'a-dep', desiredState: 'running', generation: 1, gpuCount: 1 });
    const key = await h.db.apiKey.findUniqueOrThrow({ where: { id: a.apiKeyId } });
    expect(key).toMatchObject({ revokedAt: null, name: 'bootstrap', tokenBudget: null });
    expect(await h.db.apiKey.count({ where: { orgId: b.orgId } })).toBe(2);
    expect((await h.db.apiKey.findUniqueOrThrow({ where: { id: ownKey } })).allowedModels).toEqual([]);
    expect((await h.db.organization.findUniqueOrThrow({ where: { id: b.orgId } })).defaultDeploymentId).toBeNull();
    expect((await h.call(deployment.GET, '', { params: { id: aDeployment }, headers: a.auth })).status).toBe(200);
  });

  it("keeps other organizations' objects out of lists and usage", async () => {
    const list = await h.call(deployments.GET, '', { headers: b.auth });
    expect(list.json).toEqual({ data: [], next_cursor: null });
    const keys = await h.call(apiKeys.GET, '', { headers: b.auth });
    expect(keys.json.data.map((k: { id: string }) => k.id).sort()).toEqual([b.apiKeyId, ownKey].sort());
    const theirs = await h.call(usage.GET, '', { headers: b.auth });
    expect(theirs.json.totals).toEqual({ requests: 0, input_tokens: 0, output_tokens: 0 });
    const ours = await h.call(usage.GET, '', { headers: a.auth });
    expect(ours.json.totals).toEqual({ requests: 7, input_tokens: 70, output_tokens: 700 });
    expect((await h.call(usage.GET, '', { headers: b.auth, query: { group_by: 'deployment_id' } })).json.groups).toEqual([]);
    expect((await h.call(models.GET, '', { headers: b.auth })).json).toEqual({ data: [] });
  });

  it("keeps model names per organization: another organization's names and aliases are no clash", async () => {
    const res = await h.call(deployments.POST, '', { method: 'POST', headers: b.auth, body: { name: 'a-dep', model_aliases: ['a-*'], model, gpu: { count: 0 } } });
    expect(res.status).toBe(201);
    expect(res.json.model_name).toBe('a-dep');
    expect(res.text).not.toContain(aDeployment);
  });
});
