/**
 * npm run db:migrate              apply pending migrations to $DATABASE_URL
 * npm run db:migration -- <name>  write the next migration from the schema diff
 *                                 ($DATABASE_URL's server hosts a temporary scratch database)
 */
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
    console.error(`migration failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    process.exit(1);
  },
);
