import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecrets } from './secrets';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gguf-secrets-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const file = () => join(dir, 'secrets.json');
const mode = async () => (await stat(file())).mode & 0o777;

describe('loadOrCreateSecrets', () => {
  it('creates every secret once, SECRETS_KEY included, in an owner-only file, and finds them again', async () => {
    const first = await loadOrCreateSecrets(dir);
    expect(first.created).toBe(true);
    expect(first.secrets.secretsKey.length).toBeGreaterThanOrEqual(32);
    expect(await mode()).toBe(0o600);
    const second = await loadOrCreateSecrets(dir);
    expect(second).toEqual({ secrets: first.secrets, created: false });
  });

  it('adds SECRETS_KEY to a file written before secrets were sealed, keeping the rest and the file mode', async () => {
    const old = { postgresPassword: 'pg', redisPassword: 'rd', adminToken: 'gguf_admin_x', authSecret: 'auth', adminPassword: 'pw' };
    await writeFile(file(), JSON.stringify(old), { mode: 0o600 });
    const { secrets, created } = await loadOrCreateSecrets(dir);
    expect(created).toBe(false);
    expect(secrets).toMatchObject(old);
    expect(secrets.secretsKey.length).toBeGreaterThanOrEqual(32);
    expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual({ ...old, secretsKey: secrets.secretsKey });
    expect(await mode()).toBe(0o600);
    expect((await loadOrCreateSecrets(dir)).secrets.secretsKey).toBe(secrets.secretsKey);
  });
});
