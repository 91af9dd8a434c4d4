import { randomBytes } from 'node:crypto';
import { createDatabase, type Database } from '@gguf/db';
import pg from 'pg';
import { testEnv } from './test-env';

export interface TestDatabase {
  /** Connection string of a fresh, fully migrated database of its own. */
  url: string;
  db: Database;
  drop(): Promise<void>;
}

/** A new database cloned from the migrated template: real Postgres, isolated per test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = testEnv('postgresAdminUrl');
  const template = testEnv('templateDatabase');
  const name = `test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createDatabase(url.toString(), { poolSize: 5, applicationName: 'test' });
  return {
    url: url.toString(),
    db,
    drop: async () => {
      await db.$disconnect();
      await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(adminUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
