import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { trackQuietConnections } from './quiet-connections';

let server: Server | undefined;
afterEach(() => server?.closeAllConnections());

async function open(port: number, send = ''): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  if (send) socket.write(send);
  return socket;
}
const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));

describe('trackQuietConnections', () => {
  it('closes connections serving no request, and lets one with a request in progress finish first', async () => {
    let finish: (() => void) | undefined;
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('first part ');
      finish = () => response.end('and the rest');
    });
    const quiet = trackQuietConnections(server);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };

    const silent = await open(port);
    const halfway = await open(port, 'GET / HTTP/1.1\r\nHost: x\r\n');
    const streaming = await open(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    let received = '';
    streaming.on('data', (chunk: Buffer) => (received += chunk.toString()));
    await expect.poll(() => received).toContain('first part');

    const serverClosed = new Promise<void>((resolve) => server!.close(() => resolve()));
    server.closeIdleConnections();
    quiet.closeQuiet();
    // Without the tracker, these two would keep the server open until their headers time out.
    await Promise.all([closed(silent), closed(halfway)]);
    expect(streaming.closed).toBe(false);

    finish!();
    await expect.poll(() => received).toContain('and the rest');
    streaming.end();
    await serverClosed;
  });
});
