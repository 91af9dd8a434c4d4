import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { retryWithBackoff } from '@gguf/core';
import pg from 'pg';
import { postgresBinDirs, requireExecutable } from './binaries';
import { startServerProcess, type ServerProcess } from './child';
import { giveTo, postgresRunAs } from './run-as';

const run = promisify(execFile);

export interface LocalPostgresOptions {
  /** Cluster directory; created (initdb) on first use, reused afterwards. */
  dataDir: string;
  port: number;
  /** Password of the `postgres` superuser; set at initdb, required on every connection. */
  password: string;
  /** Database to create if missing. */
  database: string;
  /** Trade durability for speed (tests): no fsync, no full-page writes. */
  ephemeral?: boolean;
}

export interface LocalPostgres {
  /** Connection string for `database`. */
  url: string;
  /** Connection string for the `postgres` maintenance database. */
  adminUrl: string;
  process: ServerProcess;
  stop(): Promise<void>;
}

/**
 * Runs a private PostgreSQL cluster from the machine's own binaries (Debian's postgresql package
 * or any `initdb`/`postgres` on PATH), listening on 127.0.0.1 only, with password authentication.
 */
export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const { dataDir, port, password, database, ephemeral = false } = options;
  const hint = 'Install PostgreSQL (Debian: apt-get install postgresql) or set DATABASE_URL.';
  const initdb = requireExecutable('initdb', postgresBinDirs(), hint);
  const postgres = requireExecutable('postgres', postgresBinDirs(), hint);
  const runAs = postgresRunAs();
  const clusterDir = join(dataDir, 'cluster');
  const socketDir = join(dataDir, 'socket');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await mkdir(socketDir, { recursive: true, mode: 0o700 });
  giveTo(runAs, dataDir, socketDir);

  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    const pwfile = join(dataDir, '.pwfile');
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    giveTo(runAs, pwfile);
    try {
      await run(initdb, ['-D', clusterDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions'], runAs);
    } catch (error) {
      throw new Error(`initdb failed: ${(error as { stderr?: string }).stderr?.trim() || (error as Error).message}`, { cause: error });
    } finally {
      await rm(pwfile, { force: true });
    }
  }

  const args = ['-D', clusterDir, '-p', String(port), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  if (ephemeral) args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const server = startServerProcess(postgres, args, join(dataDir, 'postgres.log'), runAs);

  const adminUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const stop = () => server.stop('SIGINT'); // "fast" shutdown: roll back sessions, checkpoint, exit

  // Stop retrying as soon as the server is known not to be ours or to have died.
  const aborted = new AbortController();
  server.exited.then(() => aborted.abort());
  try {
    await retryWithBackoff(
      async () => {
        if (server.child.exitCode !== null) throw new Error(`postgres exited early; see ${join(dataDir, 'postgres.log')}`);
        await ensureDatabase(adminUrl, database, clusterDir);
      },
      { initialDelayMs: 100, maxDelayMs: 1000, deadlineMs: 30_000, signal: aborted.signal },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, adminUrl, process: server, stop };
}

async function ensureDatabase(adminUrl: string, database: string, clusterDir: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // Whoever answers on the port must be our cluster, not another server that happens to be there.
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
    if (rows[0]?.data_directory !== clusterDir) throw new Error(`another PostgreSQL server already listens on ${new URL(adminUrl).port}`);
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
