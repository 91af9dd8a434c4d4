import { linkSync, renameSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerArgs } from './args';
import type { Logger } from './context';

export interface Listening {
  /** http://HOST:PORT, or unix://PATH for a Unix socket (llama-server's own spelling of where it listens). */
  url: string;
  /** The TCP port; for a Unix socket the --port value, which llama-server then ignores. */
  port: number;
  /** Set when listening on a Unix socket. */
  socketPath?: string;
  /** Stops listening. A Unix socket's file stays behind, as llama-server leaves it. */
  close(): Promise<void>;
}

function baseUrl(host: string, port: number): string {
  // A wildcard address is not something a client can connect to; loopback reaches it.
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/**
 * Node removes a Unix socket's file when the server closes; llama-server never does, so the next start on the
 * same path fails to bind until someone removes it. A hard link taken before closing puts the file back.
 */
async function closeKeepingFile(server: Server, path: string): Promise<void> {
  const keep = `${path}.${process.pid}.closing`;
  let kept = true;
  try {
    linkSync(path, keep);
  } catch {
    kept = false;
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (kept) renameSync(keep, path);
}

/**
 * Binds like llama-server: a --host ending in .sock is a Unix socket at that path (--port ignored, the file
 * created with the process umask, an existing file a bind failure), anything else an address and port.
 */
export async function listen(server: Server, args: ServerArgs, log: Logger, httpThreads: number): Promise<Listening> {
  const socketPath = args.host.endsWith('.sock') ? args.host : undefined;
  log('info', socketPath ? 'main: setting address family to AF_UNIX' : 'main: binding port with default address family');
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const listening = () => {
        server.off('error', reject);
        resolve();
      };
      if (socketPath) server.listen(socketPath, listening);
      else server.listen(args.port, args.host, listening);
    });
  } catch (error) {
    throw new Error(`main: couldn't bind HTTP server socket, hostname: ${args.host}, port: ${args.port}`, { cause: error });
  }
  const port = socketPath ? args.port : (server.address() as AddressInfo).port;
  log('info', `main: HTTP server is listening, hostname: ${args.host}, port: ${port}, http threads: ${httpThreads}`);
  if (socketPath) return { url: `unix://${socketPath}`, port, socketPath, close: () => closeKeepingFile(server, socketPath) };
  return { url: baseUrl(args.host, port), port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
