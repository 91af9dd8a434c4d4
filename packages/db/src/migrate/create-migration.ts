import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { MIGRATIONS_DIR, migrationDirectoryName, readMigrations, readSchema, writeMigration } from './migrations-dir';
import { NO_FILTERS, openSchemaEngine } from './schema-engine';

const EMPTY = '-- This is an empty migration.';

export interface SchemaDiffOptions {
  /** A Postgres server where a scratch database may be created and dropped. */
  databaseUrl: string;
  schema?: string;
  migrationsDir?: string;
}

/**
 * The SQL that takes a database built from the committed migrations to the current schema, or
 * null when they already agree. The stock CLI replays migrations into a "shadow database" for
 * this; the WebAssembly engine cannot create one, so a scratch database is made and dropped here.
 */
export async function diffSchemaAgainstMigrations({ databaseUrl, schema, migrationsDir = MIGRATIONS_DIR }: SchemaDiffOptions): Promise<string | null> {
  const target = schema ?? (await readSchema());
  return withScratchDatabase(databaseUrl, async (scratchUrl) => {
    const { engine, close } = await openSchemaEngine(scratchUrl, target);
    try {
      await engine.applyMigrations({ migrationsList: await readMigrations(migrationsDir), filters: NO_FILTERS });
      const files = [{ path: 'schema.prisma', content: target }];
      const { stdout } = await engine.diff({
        from: { tag: 'schemaDatasource', files, configDir: process.cwd() },
        to: { tag: 'schemaDatamodel', files },
        script: true,
        exitCode: null,
        filters: NO_FILTERS,
      });
      const script = (stdout ?? '').trim();
      return script === '' || script === EMPTY ? null : `${script}\n`;
    } finally {
      await close();
    }
  });
}

/** Generates the next migration from the schema diff and writes it; returns its directory, or null when nothing changed. */
export async function createMigration(name: string, options: SchemaDiffOptions): Promise<string | null> {
  const directoryName = migrationDirectoryName(name);
  const script = await diffSchemaAgainstMigrations(options);
  if (script === null) return null;
  return writeMigration(directoryName, script, options.migrationsDir ?? MIGRATIONS_DIR);
}

async function withScratchDatabase<T>(databaseUrl: string, use: (url: string) => Promise<T>): Promise<T> {
  const name = `gguf_migration_scratch_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    try {
      return await use(url.toString());
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}
