import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface QuietConnections {
  /** Closes every connection that is not serving a request right now. */
  closeQuiet(): void;
}

/**
 * Connections serving no request: never used, still sending their headers, or kept alive between
 * requests. On shutdown `server.close()` waits for the first two until their headers time out
 * (60 s) — a client that connected and said nothing held a gateway's shutdown open that long — and
 * `closeIdleConnections()` only closes the third. Closed at once here; connections with a request
 * in progress (a stream) are left to finish.
 */
export function trackQuietConnections(server: Server): QuietConnections {
  const open = new Set<Socket>();
  /** Requests in progress per connection (more than one only when a client pipelines). */
  const serving = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      serving.delete(socket);
    });
  });
  server.on('request', (request, response) => {
    const socket = request.socket;
    serving.set(socket, (serving.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const left = (serving.get(socket) ?? 1) - 1;
      if (left > 0) serving.set(socket, left);
      else serving.delete(socket);
    });
  });
  return {
    closeQuiet() {
      for (const socket of open) if (!serving.has(socket)) socket.destroy();
    },
  };
}
