import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminInOrg, type OrgScope } from '../auth/principal';
import { createDeployment } from '../deployments/create-deployment';
import { createDeploymentBody } from '../deployments/schemas';
import { createOrganization } from '../organizations/create-organization';
import { getOrganization } from '../organizations/get-organization';
import { updateOrganization } from '../organizations/update-organization';
import { createTestDeps } from '../testing/test-deps';
import { getUsage } from '../usage/get-usage';
import { createApiKey } from './create-api-key';
import { EXPIRED_PLAYGROUND_KEY_GRACE_MS, mintPlaygroundKey, PLAYGROUND_KEY_TTL_MS } from './mint-playground-key';
import { revokeApiKey } from './revoke-api-key';

let api: Awaited<ReturnType<typeof createTestDeps>>;
beforeAll(async () => {
  api = await createTestDeps();
});
afterAll(() => api?.close());

async function tenant(maxApiKeys?: number): Promise<OrgScope> {
  const org = await createOrganization(api.deps, api.system, { name: 'Keys', ...(maxApiKeys === undefined ? {} : { max_api_keys: maxApiKeys }) });
  return adminInOrg(api.system, org.id);
}

const capReached = (cap: number) => ({ code: 'conflict', status: 409, message: expect.stringContaining(`max_api_keys (${cap}) reached`) });

describe('the API key cap', () => {
  it('is 100 unless an admin sets it, and shows in the admin organization object', async () => {
    const scope = await tenant();
    expect((await getOrganization(api.deps, api.system, scope.orgId)).max_api_keys).toBe(100);
    expect((await updateOrganization(api.deps, api.system, scope.orgId, { max_api_keys: 7 })).max_api_keys).toBe(7);
    const audit = await api.db.auditLog.findFirstOrThrow({ where: { targetId: scope.orgId, action: 'organization.update' }, orderBy: { id: 'desc' } });
    expect(audit.details).toMatchObject({ max_api_keys: 7 });
  });

  it('refuses a key past the cap with 409; revoked, expired and playground keys do not count', async () => {
    const scope = await tenant(2);
    const first = await createApiKey(api.deps, scope, { name: 'one' });
    await createApiKey(api.deps, scope, { name: 'two' });
    await expect(createApiKey(api.deps, scope, { name: 'three' })).rejects.toMatchObject(capReached(2));
    expect(await api.db.apiKey.count({ where: { orgId: scope.orgId } })).toBe(2);

    await revokeApiKey(api.deps, scope, first.id);
    const third = await createApiKey(api.deps, scope, { name: 'three' });
    await api.db.apiKey.update({ where: { id: third.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const deployment = await deploy(scope);
    await mintPlaygroundKey(api.deps, scope, deployment);
    await createApiKey(api.deps, scope, { name: 'four' });
    await expect(createApiKey(api.deps, scope, { name: 'five' })).rejects.toMatchObject(capReached(2));
  });

  it('holds under concurrent creates: exactly the cap is minted', async () => {
    const scope = await tenant(3);
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => createApiKey(api.deps, scope, { name: `k${i}` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const r of results.filter((r) => r.status === 'rejected')) expect(r.reason).toMatchObject(capReached(3));
    expect(await api.db.apiKey.count({ where: { orgId: scope.orgId } })).toBe(3);
  });

  it('lets a cap of 0 refuse every new key', async () => {
    await expect(createApiKey(api.deps, await tenant(0), { name: 'none' })).rejects.toMatchObject(capReached(0));
  });
});

describe('expired playground keys', () => {
  it('are deleted on the next mint, and their usage stays in the organization and deployment totals', async () => {
    const scope = await tenant();
    const deployment = await deploy(scope);
    const long = Date.now() - PLAYGROUND_KEY_TTL_MS - EXPIRED_PLAYGROUND_KEY_GRACE_MS - 60_000;
    await mintPlaygroundKey(api.deps, scope, deployment, long);
    const old = await api.db.apiKey.findFirstOrThrow({ where: { orgId: scope.orgId, ephemeral: true } });
    const hour = new Date(Math.floor(long / 3_600_000) * 3_600_000);
    await api.db.usageHourly.create({ data: { apiKeyId: old.id, deploymentId: deployment, orgId: scope.orgId, hour, requests: 3n, inputTokens: 30n, outputTokens: 12n } });
    // A key that expired only just now is kept: the gateway may still be metering its last stream.
    await mintPlaygroundKey(api.deps, scope, deployment, Date.now() - PLAYGROUND_KEY_TTL_MS - 60_000);
    const recent = await api.db.apiKey.findFirstOrThrow({ where: { orgId: scope.orgId, ephemeral: true, id: { not: old.id } } });

    await mintPlaygroundKey(api.deps, scope, deployment);
    expect(await api.db.apiKey.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await api.db.apiKey.findUnique({ where: { id: recent.id } })).not.toBeNull();
    const rows = await api.db.usageHourly.findMany({ where: { orgId: scope.orgId } });
    expect(rows).toMatchObject([{ apiKeyId: null, deploymentId: deployment, requests: 3n, inputTokens: 30n, outputTokens: 12n }]);

    const range = { from: new Date(hour.getTime() - 3_600_000).toISOString(), to: new Date().toISOString(), granularity: 'day' as const };
    const expected = { requests: 3, input_tokens: 30, output_tokens: 12 };
    expect((await getUsage(api.deps, scope, range)).totals).toEqual(expected);
    expect((await getUsage(api.deps, scope, { ...range, deployment_id: deployment })).totals).toEqual(expected);
  });

  it('of another organization are left alone', async () => {
    const mine = await tenant();
    const theirs = await tenant();
    const long = Date.now() - PLAYGROUND_KEY_TTL_MS - EXPIRED_PLAYGROUND_KEY_GRACE_MS - 60_000;
    await mintPlaygroundKey(api.deps, theirs, await deploy(theirs), long);
    await mintPlaygroundKey(api.deps, mine, await deploy(mine));
    expect(await api.db.apiKey.count({ where: { orgId: theirs.orgId, ephemeral: true } })).toBe(1);
  });
});

async function deploy(scope: OrgScope): Promise<string> {
  const model = { source: 'huggingface', repo: 'acme/tiny-GGUF', file: 'tiny.gguf' } as const;
  const { deployment } = await createDeployment(api.deps, scope, createDeploymentBody.parse({ name: 'd', model, gpu: { count: 0 } }));
  return deployment.id;
}
