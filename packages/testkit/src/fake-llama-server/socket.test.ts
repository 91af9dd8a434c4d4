import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlamaServer, type FakeLlamaServer } from './index';

let dir: string;
const started: FakeLlamaServer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fake-llama-socket-'));
});

afterAll(async () => {
  await Promise.all(started.map((fake) => fake.close()));
  await rm(dir, { recursive: true, force: true });
});

async function start(args: string[]) {
  const lines: string[] = [];
  const fake = await startFakeLlamaServer({ args, env: { FAKE_LLAMA_LOAD_MS: '0' }, log: (_level, line) => lines.push(line) });
  started.push(fake);
  await fake.ready;
  return { fake, lines };
}

function get(socketPath: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('--host ending in .sock', () => {
  it('listens on that Unix socket instead of a port, logging it as llama-server does', async () => {
    const path = join(dir, 'server.sock');
    const { fake, lines } = await start(['--host', path, '--port', '9999', '--api-key', 'k']);
    expect(fake).toMatchObject({ url: `unix://${path}`, socketPath: path });
    expect(lines).toContain('main: setting address family to AF_UNIX');
    expect(lines).toContain(`main: server is listening on unix://${path} - starting the main loop`);
    expect(await get(path, '/health')).toEqual({ status: 200, body: '{"status":"ok"}' });
    expect((await get(path, '/props')).status).toBe(401);
    expect((await get(path, '/props', { authorization: 'Bearer k' })).status).toBe(200);
  });

  it('creates the socket with the process umask, owned by its user, as a plain bind(2) does', async () => {
    const path = join(dir, 'mode.sock');
    await start(['--host', path]);
    const reference = join(dir, 'reference');
    await writeFile(reference, '', { mode: 0o777 });
    const socket = await stat(path);
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe((await stat(reference)).mode & 0o777);
    expect(socket.uid).toBe(process.getuid?.());
  });

  it('leaves the socket file behind when it stops, so the next start on that path fails to bind like llama-server', async () => {
    const path = join(dir, 'stale.sock');
    const { fake } = await start(['--host', path]);
    await fake.close();
    expect(existsSync(path)).toBe(true);
    expect(statSync(path).isSocket()).toBe(true);
    await expect(startFakeLlamaServer({ args: ['--host', path, '--port', '8080'] })).rejects.toThrow(`main: couldn't bind HTTP server socket, hostname: ${path}, port: 8080`);
  });
});

describe('--api-key-file', () => {
  it('accepts every non-empty line as a key, with --api-key keys too', async () => {
    const file = join(dir, 'keys');
    await writeFile(file, 'alpha\n\nbeta\n');
    const { fake } = await start(['--api-key-file', file, '--api-key', 'gamma']);
    const status = async (key: string) => (await fetch(`${fake.url}/props`, { headers: { authorization: `Bearer ${key}` } })).status;
    expect([await status('alpha'), await status('beta'), await status('gamma'), await status('delta')]).toEqual([200, 200, 200, 401]);
  });
});
