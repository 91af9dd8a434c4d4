import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

export interface DatabaseOptions {
  /** Connections in this process's pool. */
  poolSize?: number;
  /** Name reported in pg_stat_activity, so an operator can tell the apps apart. */
  applicationName?: string;
}

/** A Prisma client on the pg driver adapter (Prisma 7 has no bundled query engine). */
export function createDatabase(databaseUrl: string, { poolSize = 10, applicationName = 'gguf-cloud' }: DatabaseOptions = {}) {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: poolSize,
    application_name: applicationName,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  return new PrismaClient({ adapter });
}

export type Database = ReturnType<typeof createDatabase>;

/** Cheap liveness probe for health checks. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.$queryRaw`SELECT 1`;
}
