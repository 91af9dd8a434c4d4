import { createServer as createHttpServer } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SocketForwarder } from './socket-forwarder';

const forwarder = new SocketForwarder('127.0.0.1');

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
afterAll(() => forwarder.closeAll());

async function unixHttpServer(): Promise<string> {
  const socket = join(await mkdtemp(join(tmpdir(), 'gguf-fwd-')), 'llama.sock');
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => res.end(`${req.method} ${req.url} ${body.length}`));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return socket;
}

describe('SocketForwarder', () => {
  it("serves a port by piping each connection to a server's Unix socket, and stops serving it when closed", async () => {
    const socket = await unixHttpServer();
    const port = await freePort();
    await forwarder.open(port, socket);
    await forwarder.open(port, socket); // idempotent
    const big = 'x'.repeat(3 * 1024 * 1024);
    const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, { method: 'POST', body: big });
    expect(await res.text()).toBe(`POST /v1/chat/completions ${big.length}`);
    await forwarder.close(port);
    expect(forwarder.isOpen(port)).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  it('resets connections while the socket is not there yet, and reports a port someone else holds', async () => {
    const port = await freePort();
    await forwarder.open(port, join(tmpdir(), 'gguf-no-such-dir', 'llama.sock'));
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    const taken = createServer();
    const takenPort = await freePort();
    await new Promise<void>((resolve) => taken.listen(takenPort, '127.0.0.1', resolve));
    await expect(forwarder.open(takenPort, '/nowhere.sock')).rejects.toMatchObject({ code: 'EADDRINUSE' });
    taken.close();
  });
});
