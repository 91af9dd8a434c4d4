import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generatePassword } from '@gguf/core';
import { z } from 'zod';

/**
 * Secrets `npm start` makes up for itself on first run and must find again on the next, or the
 * local database password, the sessions, the admin token and the key that seals stored secrets would
 * change on every start. Kept in DATA_DIR/secrets.json, readable by the owner only.
 */
const storedSecrets = z.object({
  postgresPassword: z.string(),
  redisPassword: z.string(),
  adminToken: z.string(),
  authSecret: z.string(),
  adminPassword: z.string(),
  // SECRETS_KEY; absent from files written before stored secrets were sealed, and added on their next start.
  secretsKey: z.string().min(32).optional(),
});

export type StoredSecrets = z.infer<typeof storedSecrets> & { secretsKey: string };

const token = () => randomBytes(32).toString('base64url');

export async function loadOrCreateSecrets(dataDir: string): Promise<{ secrets: StoredSecrets; created: boolean }> {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const stored = storedSecrets.parse(JSON.parse(await readFile(file, 'utf8')));
    if (stored.secretsKey) return { secrets: { ...stored, secretsKey: stored.secretsKey }, created: false };
    const secrets = { ...stored, secretsKey: token() };
    await save(file, secrets);
    return { secrets, created: false };
  }
  const secrets: StoredSecrets = {
    postgresPassword: token(),
    redisPassword: token(),
    adminToken: `gguf_admin_${token()}`,
    authSecret: token(),
    adminPassword: generatePassword(),
    secretsKey: token(),
  };
  await save(file, secrets);
  return { secrets, created: true };
}

/** Written whole to a new owner-only file, then renamed over the old: a crash never leaves half a file. */
async function save(file: string, secrets: StoredSecrets): Promise<void> {
  const next = `${file}.${process.pid}.tmp`;
  await writeFile(next, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  await chmod(next, 0o600);
  await rename(next, file);
}
