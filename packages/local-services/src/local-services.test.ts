import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, isPortFree } from './free-port';
import { startLocalPostgres } from './postgres';
import { startLocalRedis } from './redis';
import { createConnection } from 'node:net';

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gguf-local-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('startLocalPostgres', () => {
  it('creates a password-protected cluster and keeps its data across restarts', async () => {
    const dataDir = await tempDir();
    const port = await freePort();
    const first = await startLocalPostgres({ dataDir, port, password: 'pw-one', database: 'app', ephemeral: true });
    await query(first.url, 'CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');
    await expect(query(first.url.replace('pw-one', 'wrong'), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
    await first.stop();
    expect(await isPortFree(port)).toBe(true);

    const second = await startLocalPostgres({ dataDir, port, password: 'pw-one', database: 'app', ephemeral: true });
    expect(await query(second.url, 'SELECT v FROM kept')).toEqual([{ v: 42 }]);
    await second.stop();
  });

  it('explains a port that is already taken', async () => {
    const dataDir = await tempDir();
    const port = await freePort();
    const first = await startLocalPostgres({ dataDir, port, password: 'pw', database: 'app', ephemeral: true });
    const other = await tempDir();
    await expect(startLocalPostgres({ dataDir: other, port, password: 'pw', database: 'app', ephemeral: true })).rejects.toThrow(/another PostgreSQL server already listens|exited early/);
    await first.stop();
  });
});

describe('startLocalRedis', () => {
  const roundTrip = (port: number, commands: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write(commands));
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk;
        if (data.split('\r\n').length > commands.split('\r\n').length - 1) socket.end();
      });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });

  it('requires its password and answers once it has it', async () => {
    const port = await freePort();
    const redis = await startLocalRedis({ dataDir: await tempDir(), port, password: 'sesame' });
    expect(redis.url).toBe(`redis://:sesame@127.0.0.1:${port}`);
    expect(await roundTrip(port, 'PING\r\n')).toMatch(/^-NOAUTH/);
    expect(await roundTrip(port, 'AUTH sesame\r\nPING\r\n')).toBe('+OK\r\n+PONG\r\n');
    await redis.stop();
    expect(await isPortFree(port)).toBe(true);
  });
});
