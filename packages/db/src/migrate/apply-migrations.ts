import { MIGRATIONS_DIR, readMigrations, readSchema } from './migrations-dir';
import { NO_FILTERS, openSchemaEngine } from './schema-engine';

/**
 * Applies every migration not yet recorded in `_prisma_migrations`, exactly as
 * `prisma migrate deploy` does (same table, checksums and advisory lock), so operators can switch
 * to the stock CLI at any time. Returns the names it applied.
 */
export async function applyMigrations(databaseUrl: string, migrationsDir = MIGRATIONS_DIR): Promise<string[]> {
  const { engine, close } = await openSchemaEngine(databaseUrl, await readSchema());
  try {
    const migrationsList = await readMigrations(migrationsDir);
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    return appliedMigrationNames;
  } finally {
    await close();
  }
}
