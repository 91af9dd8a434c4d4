/**
 * npm run db:migrate              apply pending migrations to $DATABASE_URL; with ADMIN_EMAIL and
 *                                 ADMIN_PASSWORD set, also create (or reset) that platform admin
 * npm run db:migration -- <name>  write the next migration from the schema diff
 *                                 ($DATABASE_URL's server hosts a temporary scratch database)
 */
import { seedPlatformAdmin } from '../bootstrap/seed-platform-admin';
import { createDatabase } from '../client';
import { applyMigrations } from './apply-migrations';
import { createMigration } from './create-migration';

async function main(): Promise<number> {
  const [command, name] = process.argv.slice(2);
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('DATABASE_URL is not set. Point it at the database to migrate (for `npm start` data: see .data/env).');
    return 78;
  }
  if (command === 'deploy') {
    const applied = await applyMigrations(databaseUrl);
    console.log(applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}` : 'Database is up to date.');
    const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = process.env;
    if (email && password) {
      const db = createDatabase(databaseUrl, { poolSize: 1 });
      const admin = await seedPlatformAdmin(db, email, password, true);
      await db.$disconnect();
      console.log(`Platform admin ${admin.email} ${admin.created ? 'created' : 'updated'}.`);
    }
    return 0;
  }
  if (command === 'create' && name) {
    const dir = await createMigration(name, { databaseUrl });
    console.log(dir ? `Wrote ${dir}/migration.sql` : 'The schema matches the migrations: nothing to write.');
    return 0;
  }
  console.error('usage: cli.ts deploy | create <name>');
  return 64;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // The engine's messages are several lines long and end with a trace of Rust spans; keep the words.
    const message = error instanceof Error ? error.message.split(/\n\s+\d+: /)[0]!.trim() : String(error);
    const cause = error instanceof Error && error.cause ? ` (${String((error.cause as Error).message ?? error.cause)})` : '';
    console.error(`migration failed: ${message}${cause}`);
    process.exit(1);
  },
);
