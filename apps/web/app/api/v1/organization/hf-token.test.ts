import { hfTokenForOrganization } from '@gguf/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type ApiHarness, createApiHarness } from '../../../../lib/testing/api-harness';
import * as adminOrganization from '../admin/organizations/[id]/route';
import * as hfToken from './hf-token/route';

let h: ApiHarness;
let tenant: Awaited<ReturnType<ApiHarness['createTenant']>>;
const TOKEN = 'hf_SecretTenantToken0123456789abcdef';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

beforeAll(async () => {
  h = await createApiHarness();
  tenant = await h.createTenant({ name: 'HF' });
});
afterAll(() => h.close());

const get = (headers = tenant.auth) => h.call(hfToken.GET, '/api/v1/organization/hf-token', { headers });
const put = (body: unknown, headers = tenant.auth) => h.call(hfToken.PUT, '/api/v1/organization/hf-token', { method: 'PUT', headers, body });
const del = (headers = tenant.auth) => h.call(hfToken.DELETE, '/api/v1/organization/hf-token', { method: 'DELETE', headers });
const patchOrg = (id: string, body: unknown) => h.call(adminOrganization.PATCH, '', { method: 'PATCH', headers: admin, params: { id }, body });

describe('/api/v1/organization/hf-token', () => {
  it('sets, shows only whether it is set, and clears the organization token', async () => {
    expect((await get()).json).toEqual({ hf_token_set: false, platform_hf_token: false });
    const set = await put({ token: TOKEN });
    expect(set.status).toBe(200);
    expect(set.json).toEqual({ hf_token_set: true, platform_hf_token: false });
    expect(set.text).not.toContain(TOKEN);
    expect((await get()).text).not.toContain(TOKEN);
    expect(await hfTokenForOrganization(h.db, h.context.deps.secrets, tenant.orgId, 'hf_platform')).toBe(TOKEN);
    // Another organization's view and downloads are untouched.
    const other = await h.createTenant({ name: 'Other' });
    expect((await get(other.auth)).json.hf_token_set).toBe(false);
    expect(await hfTokenForOrganization(h.db, h.context.deps.secrets, other.orgId, undefined)).toBeUndefined();

    const cleared = await del();
    expect(cleared.json).toEqual({ hf_token_set: false, platform_hf_token: false });
    expect((await h.db.organization.findUniqueOrThrow({ where: { id: tenant.orgId } })).hfTokenSecret).toBeNull();
  });

  it.each([
    [{}, 'token'],
    [{ token: 'short' }, 'token'],
    [{ token: 'hf_has a space' }, 'token'],
    [{ token: 42 }, 'token'],
    [{ token: TOKEN, extra: true }, undefined],
  ])('answers 400 to %j', async (body, param) => {
    const res = await put(body);
    expect(res.status).toBe(400);
    expect(res.json.error.type).toBe('invalid_request');
    if (param) expect(res.json.error.param).toBe(param);
    expect(res.text).not.toContain('has a space');
  });

  it('is not for the admin token, which acts on no organization here', async () => {
    expect((await put({ token: TOKEN }, admin)).status).toBe(401);
  });
});

describe('admin: platform_hf_token', () => {
  it('lets an admin allow an organization to use the platform token, shown on the organization', async () => {
    const res = await patchOrg(tenant.orgId, { platform_hf_token: true });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: tenant.orgId, platform_hf_token: true, hf_token_set: false });
    expect((await get()).json).toEqual({ hf_token_set: false, platform_hf_token: true });
    expect(await hfTokenForOrganization(h.db, h.context.deps.secrets, tenant.orgId, 'hf_platform')).toBe('hf_platform');
    expect((await patchOrg(tenant.orgId, { platform_hf_token: 'yes' })).json.error.param).toBe('platform_hf_token');
    expect((await patchOrg(tenant.orgId, { platform_hf_token: false })).json.platform_hf_token).toBe(false);
  });
});
