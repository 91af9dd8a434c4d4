/**
 * npm run db:migrate              apply pending migrations to $DATABASE_URL, then seal any secret still stored
 *                                 in plain text with $SECRETS_KEY; with ADMIN_EMAIL and ADMIN_PASSWORD set, also
 *                                 create (or reset) that platform admin
 * npm run db:migration -- <name>  write the next migration from the schema diff
 *                                 ($DATABASE_URL's server hosts a temporary scratch database)
 * npm run secrets:rotate          re-wrap every stored secret under $SECRETS_KEY ($SECRETS_KEY_PREVIOUS opens the old)
 */
import { EnvError, parseEnv, secretBoxFromEnv, secretsEnv } from '@gguf/core';
import { seedPlatformAdmin } from '../bootstrap/seed-platform-admin';
import { createDatabase } from '../client';
import { applyMigrations } from './apply-migrations';
import { createMigration } from './create-migration';
import { describeReports, rotateStoredSecrets, sealPlaintextSecrets } from './stored-secrets';

async function main(): Promise<number> {
  const [command, name] = process.argv.slice(2);
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('DATABASE_URL is not set. Point it at the database to migrate (for `npm start` data: see .data/env).');
    return 78;
  }
  if (command === 'deploy') {
    // Checked before anything changes: the migration ends by sealing plaintext secrets with this key.
    const secrets = secretBoxFromEnv(parseEnv('db:migrate', secretsEnv));
    const applied = await applyMigrations(databaseUrl);
    console.log(applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}` : 'Database is up to date.');
    const db = createDatabase(databaseUrl, { poolSize: 1 });
    try {
      const sealed = describeReports(await sealPlaintextSecrets(db, secrets));
      if (sealed.length > 0) console.log(`Sealed secrets stored in plain text:\n  ${sealed.join('\n  ')}`);
      const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = process.env;
      if (email && password) {
        const admin = await seedPlatformAdmin(db, email, password, true);
        console.log(`Platform admin ${admin.email} ${admin.created ? 'created' : 'updated'}.`);
      }
    } finally {
      await db.$disconnect();
    }
    return 0;
  }
  if (command === 'rotate-secrets') return rotate(databaseUrl);
  if (command === 'create' && name) {
    const dir = await createMigration(name, { databaseUrl });
    console.log(dir ? `Wrote ${dir}/migration.sql` : 'The schema matches the migrations: nothing to write.');
    return 0;
  }
  console.error('usage: cli.ts deploy | create <name> | rotate-secrets');
  return 64;
}

async function rotate(databaseUrl: string): Promise<number> {
  const env = parseEnv('secrets:rotate', secretsEnv);
  const secrets = secretBoxFromEnv(env);
  if (!env.SECRETS_KEY_PREVIOUS) console.log('SECRETS_KEY_PREVIOUS is not set: values sealed with an older key cannot be opened.');
  const db = createDatabase(databaseUrl, { poolSize: 1 });
  try {
    const reports = await rotateStoredSecrets(db, secrets);
    const changed = describeReports(reports);
    console.log(changed.length ? `Secrets now under key ${secrets.currentKeyId}:\n  ${changed.join('\n  ')}` : `Every stored secret is already under key ${secrets.currentKeyId}.`);
    const failed = reports.flatMap((r) => r.failed);
    if (failed.length === 0) return 0;
    console.error(`${failed.length} value(s) could not be opened and were left as they are:\n  ${failed.map((f) => f.reason).join('\n  ')}`);
    return 1;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(78);
    }
    // The engine's messages are several lines long and end with a trace of Rust spans; keep the words.
    const message = error instanceof Error ? error.message.split(/\n\s+\d+: /)[0]!.trim() : String(error);
    const cause = error instanceof Error && error.cause ? ` (${String((error.cause as Error).message ?? error.cause)})` : '';
    console.error(`${process.argv[2] === 'rotate-secrets' ? 'rotation' : 'migration'} failed: ${message}${cause}`);
    process.exit(1);
  },
);
