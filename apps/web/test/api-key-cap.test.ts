import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as organization from '../app/api/v1/admin/organizations/[id]/route';
import * as apiKeys from '../app/api/v1/api-keys/route';
import * as openapi from '../app/api/v1/openapi.json/route';
import { ADMIN_TOKEN, type ApiHarness, createApiHarness } from '../lib/testing/api-harness';

/** The per-organization API key cap through the admin organization API, the tenant's key API and the OpenAPI document. */
let h: ApiHarness;
beforeAll(async () => {
  h = await createApiHarness();
});
afterAll(() => h?.close());

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('max_api_keys', () => {
  it('is read and set through the admin organization API, and caps the tenant’s keys with 409', async () => {
    const tenant = await h.createTenant({ name: 'Capped' });
    const at = `/api/v1/admin/organizations/${tenant.orgId}`;
    const read = await h.call(organization.GET, at, { headers: admin, params: { id: tenant.orgId } });
    expect(read.json.max_api_keys).toBe(100);
    const patched = await h.call(organization.PATCH, at, { method: 'PATCH', headers: admin, params: { id: tenant.orgId }, body: { max_api_keys: 2 } });
    expect(patched.status).toBe(200);
    expect(patched.json.max_api_keys).toBe(2);

    const create = () => h.call(apiKeys.POST, '/api/v1/api-keys', { method: 'POST', headers: tenant.auth, body: { name: 'another' } });
    expect((await create()).status).toBe(201);
    const refused = await create();
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ type: 'conflict', message: expect.stringContaining('Organization limit max_api_keys (2) reached') });
  });

  it('refuses a negative or fractional cap with a 400 naming the field', async () => {
    const tenant = await h.createTenant({ name: 'Bad cap' });
    for (const value of [-1, 1.5, '3']) {
      const res = await h.call(organization.PATCH, `/api/v1/admin/organizations/${tenant.orgId}`, { method: 'PATCH', headers: admin, params: { id: tenant.orgId }, body: { max_api_keys: value } });
      expect(res.status).toBe(400);
      expect(res.json.error.param).toBe('max_api_keys');
    }
  });

  it('is in the OpenAPI document, on the organization and its PATCH body', async () => {
    const doc = (await h.call(openapi.GET, '/api/v1/openapi.json')).json;
    // Schemas may sit in components, behind a $ref.
    type Schema = { $ref?: string; properties?: Record<string, unknown> };
    const resolve = (schema: Schema): Schema => (schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()!] : schema);
    const patch = doc.paths['/api/v1/admin/organizations/{id}'].patch;
    expect(resolve(patch.requestBody.content['application/json'].schema).properties).toHaveProperty('max_api_keys');
    expect(resolve(patch.responses['200'].content['application/json'].schema).properties).toHaveProperty('max_api_keys');
  });
});
