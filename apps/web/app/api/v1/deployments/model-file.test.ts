import { deployment as deploymentSchema } from '@gguf/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type ApiHarness, createApiHarness } from '../../../../lib/testing/api-harness';
import * as allDeployments from '../admin/deployments/route';
import * as one from './[id]/route';
import * as collection from './route';

/**
 * What the worker records about a deployment's model file (download progress while pulling, then
 * the file's SHA-256 and size), as every answer carrying the deployment object shows it. The rows
 * are set the way the worker writes them.
 */
let h: ApiHarness;
let tenant: Awaited<ReturnType<ApiHarness['createTenant']>>;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const SHA256 = 'a3f1c6d2e4b5968778695a4b3c2d1e0f9a8b7c6d5e4f30211203f4e5d6c7b8a9';
const GiB = 1024 ** 3;

beforeAll(async () => {
  h = await createApiHarness();
  tenant = await h.createTenant({ name: 'Pulling' });
});
afterAll(() => h.close());

async function createDeployment(name: string): Promise<string> {
  const body = { name, model: { source: 'huggingface', repo: 'acme/big-GGUF', file: 'big-q4.gguf' }, gpu: { count: 0 } };
  const res = await h.call(collection.POST, '/api/v1/deployments', { method: 'POST', headers: tenant.auth, body });
  expect(res.status).toBe(201);
  return res.json.id;
}

const get = async (id: string) => (await h.call(one.GET, '', { headers: tenant.auth, params: { id } })).json;
const listed = async (id: string) => (await h.call(collection.GET, '', { headers: tenant.auth, query: { limit: '100' } })).json.data.find((d: { id: string }) => d.id === id);
const adminListed = async (id: string) => (await h.call(allDeployments.GET, '', { headers: admin, query: { org_id: tenant.orgId } })).json.data.find((d: { id: string }) => d.id === id);

describe('the deployment object’s model file', () => {
  it('is unknown on a new deployment: no hash, no size, no download', async () => {
    const res = await h.call(collection.POST, '/api/v1/deployments', {
      method: 'POST',
      headers: tenant.auth,
      body: { name: 'fresh', model: { source: 'local', path: 'tiny.gguf' }, gpu: { count: 0 } },
    });
    expect(res.json).toMatchObject({ status: 'pending', model_sha256: null, model_bytes: null, download: null });
    expect(deploymentSchema.parse(res.json)).toEqual(res.json);
  });

  it('shows the download with bytes, total and percent while pulling, in every answer', async () => {
    const id = await createDeployment('pulling');
    await h.db.deployment.update({
      where: { id },
      data: { status: 'pulling', pullBytes: 1_288_490_189n, pullTotalBytes: BigInt(4.5 * GiB), statusMessage: 'downloading big-q4.gguf: 1.2 GiB of 4.5 GiB (26%)' },
    });
    const download = { bytes: 1_288_490_189, total_bytes: 4.5 * GiB, percent: 26 };
    const got = await get(id);
    expect(got).toMatchObject({ status: 'pulling', download, model_sha256: null, model_bytes: null });
    expect(deploymentSchema.parse(got)).toEqual(got);
    expect((await listed(id)).download).toEqual(download);
    expect((await adminListed(id)).download).toEqual(download);
    // A rename changes nothing that runs: the answer still shows the download under way.
    const renamed = await h.call(one.PATCH, '', { method: 'PATCH', headers: tenant.auth, params: { id }, body: { name: 'pulling-renamed' } });
    expect(renamed.json).toMatchObject({ name: 'pulling-renamed', download });
  });

  it('has no total or percent while the server has not said how large the file is', async () => {
    const id = await createDeployment('unknown-size');
    await h.db.deployment.update({ where: { id }, data: { status: 'pulling', pullBytes: 5_000_000n, pullTotalBytes: null } });
    expect((await get(id)).download).toEqual({ bytes: 5_000_000, total_bytes: null, percent: null });
  });

  it('shows no download before the first bytes, nor once the deployment left pulling', async () => {
    const id = await createDeployment('no-bytes-yet');
    await h.db.deployment.update({ where: { id }, data: { status: 'pulling' } });
    expect((await get(id)).download).toBeNull();
    await h.db.deployment.update({ where: { id }, data: { status: 'failed', pullBytes: 10n, pullTotalBytes: 20n } });
    expect((await get(id)).download).toBeNull();
  });

  it('shows the SHA-256 and size of the file the worker prepared, beyond what a 32-bit number holds', async () => {
    const id = await createDeployment('running');
    const bytes = 17 * GiB + 123;
    await h.db.deployment.update({ where: { id }, data: { status: 'running', modelSha256: SHA256, modelBytes: BigInt(bytes), pullBytes: null, pullTotalBytes: null } });
    const got = await get(id);
    expect(got).toMatchObject({ status: 'running', model_sha256: SHA256, model_bytes: bytes, download: null });
    expect(deploymentSchema.parse(got)).toEqual(got);
    expect(await listed(id)).toMatchObject({ model_sha256: SHA256, model_bytes: bytes });
    expect(await adminListed(id)).toMatchObject({ model_sha256: SHA256, model_bytes: bytes });
  });

  it('answers another organization with 404, progress and hash alike', async () => {
    const id = await createDeployment('private');
    await h.db.deployment.update({ where: { id }, data: { status: 'pulling', pullBytes: 1n, pullTotalBytes: 2n, modelSha256: SHA256 } });
    const other = await h.createTenant({ name: 'Other' });
    const res = await h.call(one.GET, '', { headers: other.auth, params: { id } });
    expect(res.status).toBe(404);
    expect(res.text).not.toContain(SHA256);
  });
});
