import { registerNode, registerNodeBody } from '@gguf/api';
import { createTestDeps } from '@gguf/api/testing';
import { SecretBox, SecretsError } from '@gguf/core';
import { testSecrets } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNodeRegistration } from './registration';

const tls = { ca: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----', cert: '-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----', key: '-----BEGIN PRIVATE KEY-----\nKEYMATERIAL\n-----END PRIVATE KEY-----' };
let t: Awaited<ReturnType<typeof createTestDeps>>;

beforeAll(async () => {
  t = await createTestDeps();
  const register = (name: string, withTls: boolean) =>
    registerNode(t.deps, t.system, registerNodeBody.parse({ name, docker_endpoint: withTls ? 'tcp://10.0.0.7:2376' : 'ssh://deploy@gpu', address: '10.0.0.7', ...(withTls ? { docker_tls: tls } : {}) }));
  await register('tls-node', true);
  await register('other-tls-node', true);
  await register('ssh-node', false);
});
afterAll(() => t.close());

describe('findNodeRegistration', () => {
  it('opens the TLS material the admin API sealed', async () => {
    expect((await findNodeRegistration(t.db, testSecrets, 'tls-node'))?.dockerTls).toEqual(tls);
    expect((await findNodeRegistration(t.db, testSecrets, 'ssh-node'))?.dockerTls).toBeNull();
    expect(await findNodeRegistration(t.db, testSecrets, 'no-such-node')).toBeUndefined();
  });

  it('refuses TLS material sealed for another node or under another SECRETS_KEY, without showing it', async () => {
    const other = await t.db.node.findUniqueOrThrow({ where: { name: 'other-tls-node' } });
    await t.db.node.update({ where: { name: 'tls-node' }, data: { dockerTls: other.dockerTls } });
    const moved = await findNodeRegistration(t.db, testSecrets, 'tls-node').catch((e: unknown) => e);
    expect(moved).toBeInstanceOf(SecretsError);
    expect((moved as SecretsError).reason).toBe('not_authentic');

    const wrongKey = await findNodeRegistration(t.db, new SecretBox({ current: 'w'.repeat(40) }), 'other-tls-node').catch((e: unknown) => e);
    expect((wrongKey as SecretsError).reason).toBe('unknown_key');
    expect((wrongKey as Error).message).toMatch(/^cannot decrypt nodes\.docker_tls:node_/);
    expect((wrongKey as Error).message).not.toContain('KEYMATERIAL');
  });
});
