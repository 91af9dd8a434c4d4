import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, testEnv } from '@gguf/testkit';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from './apply-migrations';
import { createMigration, diffSchemaAgainstMigrations } from './create-migration';
import { MIGRATIONS_DIR, migrationDirectoryName, readSchema } from './migrations-dir';

describe('committed migrations', () => {
  it('build exactly the schema in prisma/schema.prisma', async () => {
    // If this fails, run `npm run db:migration -- <name>` and commit the new migration.
    expect(await diffSchemaAgainstMigrations({ databaseUrl: testEnv('postgresAdminUrl') })).toBeNull();
  });

  it('are recorded in _prisma_migrations the way `prisma migrate deploy` records them', async () => {
    const { url, drop } = await createTestDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name');
      const names = (await readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
      expect(rows.map((r) => r.migration_name)).toEqual(names);
      for (const row of rows) {
        const sql = await readFile(join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
        const { createHash } = await import('node:crypto');
        expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.rolled_back_at).toBeNull();
      }
    } finally {
      await client.end();
      await drop();
    }
  });

  it('apply idempotently: a second run applies nothing', async () => {
    const { url, drop } = await createTestDatabase();
    try {
      expect(await applyMigrations(url)).toEqual([]);
    } finally {
      await drop();
    }
  });
});

describe('createMigration', () => {
  it('writes the next migration from a schema change, and nothing when there is none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gguf-migrations-'));
    const databaseUrl = testEnv('postgresAdminUrl');
    try {
      const schema = await readSchema();
      // From an empty history the whole schema is one migration.
      const first = await createMigration('init', { databaseUrl, schema, migrationsDir: dir });
      expect(first).not.toBeNull();
      expect(await readFile(join(first!, 'migration.sql'), 'utf8')).toContain('CREATE TABLE "deployments"');
      expect(await readFile(join(dir, 'migration_lock.toml'), 'utf8')).toContain('provider = "postgresql"');

      expect(await createMigration('again', { databaseUrl, schema, migrationsDir: dir })).toBeNull();

      const changed = schema.replace('model Organization {\n', 'model Organization {\n  motto String?\n');
      const second = await createMigration('add motto', { databaseUrl, schema: changed, migrationsDir: dir });
      expect(second).toMatch(/_add_motto$/);
      expect(await readFile(join(second!, 'migration.sql'), 'utf8')).toContain('ALTER TABLE "organizations" ADD COLUMN');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names directories like the stock CLI', () => {
    expect(migrationDirectoryName('Add usage!', new Date(Date.UTC(2026, 10, 22, 1, 2, 3)))).toBe('20261122010203_add_usage');
    expect(() => migrationDirectoryName('!!!')).toThrow(/needs a name/);
  });
});
