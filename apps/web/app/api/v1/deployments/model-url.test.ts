import { MODEL_URL_REFUSED } from '@gguf/core';
import { SSRF_MATRIX } from '@gguf/core/ssrf-matrix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from '../../../../lib/testing/api-harness';
import * as one from './[id]/route';
import * as collection from './route';

/** The SSRF guard where a tenant first meets it: saving a deployment whose model is a URL. */
let h: ApiHarness;
let tenant: Awaited<ReturnType<ApiHarness['createTenant']>>;

beforeAll(async () => {
  h = await createApiHarness();
  tenant = await h.createTenant({ name: 'Hostile' });
});
afterAll(() => h.close());

const withUrl = (url: string) => ({ name: 'ssrf', model: { source: 'url', url }, gpu: { count: 0 } });

describe('a url model the SSRF guard refuses', () => {
  it.each(SSRF_MATRIX)('is refused with 400 when a deployment is created: %s', async (url) => {
    const res = await h.call(collection.POST, '/api/v1/deployments', { method: 'POST', headers: tenant.auth, body: withUrl(url) });
    expect(res.status).toBe(400);
    expect(res.json.error.type).toBe('invalid_request');
    expect(res.json.error.param).toBe('model.url');
    // Never a word about the host, its address or the network.
    expect(res.json.error.message).not.toMatch(/non-public|loopback|private|link-local|single-label|localhost|127\.|169\.254/i);
    expect(await h.db.deployment.count({ where: { orgId: tenant.orgId, name: 'ssrf' } })).toBe(0);
  });

  it('is refused when a deployment is changed to it, and the deployment keeps its model', async () => {
    const created = await h.call(collection.POST, '/api/v1/deployments', { method: 'POST', headers: tenant.auth, body: withUrl('https://models.example.com/tiny.gguf') });
    expect(created.status).toBe(201);
    for (const url of ['https://169.254.169.254/latest/x.gguf', 'https://10.0.0.1/x.gguf', 'https://[::1]/x.gguf', 'https://0x7f000001/x.gguf', 'https://user:pass@models.example.com/x.gguf']) {
      const res = await h.call(one.PATCH, `/api/v1/deployments/${created.json.id}`, {
        method: 'PATCH',
        headers: tenant.auth,
        params: { id: created.json.id },
        body: { model: { source: 'url', url } },
      });
      expect(res.status).toBe(400);
      expect(res.json.error.message).toBe(`Invalid 'model.url': ${MODEL_URL_REFUSED}.`);
    }
    const row = await h.db.deployment.findUniqueOrThrow({ where: { id: created.json.id } });
    expect(row).toMatchObject({ modelUrl: 'https://models.example.com/tiny.gguf', generation: 1 });
  });
});
