import { newId, SECRET_COLUMNS, SecretBox, SecretsError, secretLocation } from '@gguf/core';
import { createTestDatabase, type TestDatabase, TEST_SECRETS_KEY } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readyServer, setServer } from '../test/servers';
import { Directory } from './directory';

/** Counts how often a secret is opened, to show it happens when a deployment is cached, not per request. */
class CountingSecretBox extends SecretBox {
  opened = 0;
  override open(value: string, location: string): string {
    this.opened++;
    return super.open(value, location);
  }
}

let t: TestDatabase;
let orgId: string;
const secrets = new CountingSecretBox({ current: TEST_SECRETS_KEY });
const directory = () => new Directory(t.db, { ttlMs: 60_000, negativeTtlMs: 1_000, maxEntries: 100, secrets });
const at = (id: string) => secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, id);

async function deploymentWith(upstreamSecret: (id: string) => string): Promise<string> {
  const id = newId('deployment');
  await t.db.deployment.create({
    data: { id, orgId, name: 'd', modelName: `d-${id.slice(-8)}`, modelSource: 'local', modelPath: 'm.gguf', status: 'running', upstreamSecret: upstreamSecret(id) },
  });
  await readyServer(t.db, id, 'http://127.0.0.1:9/x');
  return id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  orgId = newId('organization');
  await t.db.organization.create({ data: { id: orgId, name: 'o', slug: orgId.replace('_', '-') } });
});
afterAll(() => t.drop());

describe('Directory: deployments', () => {
  it('opens the sealed upstream secret once, when the deployment is cached', async () => {
    const id = await deploymentWith((id) => secrets.seal('the-upstream-secret', at(id)));
    const d = directory();
    const before = secrets.opened;
    const records = await Promise.all([d.deployment(id), d.deployment(id), d.deployment(id)]);
    await d.deployment(id);
    expect(records.map((r) => r?.upstreamSecret)).toEqual(['the-upstream-secret', 'the-upstream-secret', 'the-upstream-secret']);
    expect(records[0]).toMatchObject({ id, orgId, upstreams: [{ url: 'http://127.0.0.1:9' }] });
    expect(secrets.opened - before).toBe(1);
  });

  it.each([
    ['sealed for another row', (_: string) => secrets.seal('moved-secret', at('dep_01someotherrow')), 'not_authentic'],
    ['sealed with another SECRETS_KEY', (id: string) => new SecretBox({ current: 'x'.repeat(40) }).seal('other-key-secret', at(id)), 'unknown_key'],
    ['left in plain text', () => 'plain-text-secret', 'malformed'],
  ])('refuses a value %s, without caching the failure or showing the value', async (_, value, reason) => {
    const id = await deploymentWith(value);
    const d = directory();
    const error = await d.deployment(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsError);
    expect((error as SecretsError).reason).toBe(reason);
    expect((error as Error).message).toContain(`deployments.upstream_secret:${id}`);
    expect((error as Error).message).not.toMatch(/moved-secret|other-key-secret|plain-text-secret/);
    expect(d.deployments.peek(id)).toBeUndefined();
  });

  it('lists its ready servers with an address in a stable order, its target concurrency, and whether it ever served', async () => {
    const id = await deploymentWith((id) => secrets.seal('s', at(id)));
    await t.db.deployment.update({ where: { id }, data: { parallel: 4 } });
    const first = (await t.db.server.findFirstOrThrow({ where: { deploymentId: id } })).id;
    const second = await readyServer(t.db, id, 'http://127.0.0.1:10');
    const restarting = await readyServer(t.db, id, 'http://127.0.0.1:11');
    await setServer(t.db, restarting, { status: 'starting' });
    const unparsable = await readyServer(t.db, id, 'http://127.0.0.1:12');
    await t.db.server.update({ where: { id: unparsable }, data: { upstreamUrl: 'not a url' } });
    const d = directory();
    expect(await d.deployment(id)).toMatchObject({
      upstreams: [{ serverId: first, url: 'http://127.0.0.1:9' }, { serverId: second, url: 'http://127.0.0.1:10' }],
      targetConcurrency: 4,
      servedBefore: true,
    });
    await t.db.deployment.update({ where: { id }, data: { targetConcurrency: 2 } });
    await t.db.server.updateMany({ where: { deploymentId: id }, data: { status: 'starting', upstreamUrl: null } });
    expect(await d.freshDeployment(id)).toMatchObject({ upstreams: [], targetConcurrency: 2, servedBefore: true });
    // Its servers gone (a lost node): it still served before, so requests to it are held while it comes back.
    await t.db.server.deleteMany({ where: { deploymentId: id } });
    expect(await d.freshDeployment(id)).toMatchObject({ upstreams: [], servedBefore: true });
    await t.db.deployment.update({ where: { id }, data: { readyAt: null } });
    expect(await d.freshDeployment(id)).toMatchObject({ upstreams: [], servedBefore: false });
  });
});
