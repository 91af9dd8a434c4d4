import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generatePassword } from '@gguf/core';
import { z } from 'zod';

/**
 * Secrets `npm start` makes up for itself on first run and must find again on the next, or the
 * local database password, the sessions and the admin token would change on every start.
 * Kept in DATA_DIR/secrets.json, readable by the owner only.
 */
const storedSecrets = z.object({
  postgresPassword: z.string(),
  redisPassword: z.string(),
  adminToken: z.string(),
  authSecret: z.string(),
  adminPassword: z.string(),
});

export type StoredSecrets = z.infer<typeof storedSecrets>;

export async function loadOrCreateSecrets(dataDir: string): Promise<{ secrets: StoredSecrets; created: boolean }> {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return { secrets: storedSecrets.parse(JSON.parse(await readFile(file, 'utf8'))), created: false };
  const token = () => randomBytes(32).toString('base64url');
  const secrets: StoredSecrets = {
    postgresPassword: token(),
    redisPassword: token(),
    adminToken: `gguf_admin_${token()}`,
    authSecret: token(),
    adminPassword: generatePassword(),
  };
  await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return { secrets, created: true };
}
