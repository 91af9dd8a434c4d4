import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * Serves servers that have no network of their own: each one's node port (on the bind address)
 * is piped, connection by connection, to the Unix socket llama-server listens on. Gateways and
 * readiness probes dial the node as they would dial llama-server itself.
 */
export class SocketForwarder {
  private readonly servers = new Map<number, { socket: string; server: Server; clients: Set<Socket> }>();

  constructor(private readonly host: string) {}

  /** Starts serving `port` (idempotent for the same socket). Rejects with the listen error, e.g. EADDRINUSE. */
  async open(port: number, socketPath: string): Promise<void> {
    const existing = this.servers.get(port);
    if (existing?.socket === socketPath) return;
    if (existing) await this.close(port);
    const clients = new Set<Socket>();
    const server = createServer({ noDelay: true }, (client) => {
      clients.add(client);
      client.once('close', () => clients.delete(client));
      pipe(client, socketPath);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.host, port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // Later errors (a client reset) are per connection; the listener itself stays up.
    server.on('error', () => undefined);
    this.servers.set(port, { socket: socketPath, server, clients });
  }

  isOpen(port: number): boolean {
    return this.servers.has(port);
  }

  async close(port: number): Promise<void> {
    const entry = this.servers.get(port);
    if (!entry) return;
    this.servers.delete(port);
    // Open connections keep a server from closing; a closed port must stop serving at once.
    for (const client of entry.clients) client.destroy();
    await new Promise<void>((resolve) => entry.server.close(() => resolve()));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.servers.keys()].map((port) => this.close(port)));
  }
}

function pipe(client: Socket, socketPath: string): void {
  const upstream = connect(socketPath);
  upstream.setNoDelay?.(true);
  // pipe() carries a clean end each way (flushing what is buffered); a failure on either side, or the
  // client going away, tears down the other. A socket that is not there yet (the server is still
  // starting) resets the client's connection, as a closed port would.
  client.on('error', () => upstream.destroy()).on('close', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  client.pipe(upstream);
  upstream.pipe(client);
}
