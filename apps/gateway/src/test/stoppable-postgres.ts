import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '@gguf/local-services';
import { createDatabase, type Database } from '@gguf/db';

export interface StoppablePostgres {
  /** The test database's URL, through the stoppable port. */
  url: string;
  /** A client of the test database through the stoppable port. */
  db: Database;
  /** Every connection is cut and new ones are refused, as when Postgres has stopped. */
  stop(): Promise<void>;
  /** Connections are accepted again on the same port, as when Postgres is back. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The suite's Postgres (shared by every test file, so it cannot really be stopped) seen through a loopback
 * TCP relay that can be stopped and restored: to its clients, exactly a Postgres going away and coming back
 * on the same address.
 */
export async function stoppablePostgres(databaseUrl: string): Promise<StoppablePostgres> {
  const target = new URL(databaseUrl);
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;

  const listen = async () => {
    server = createServer((client) => {
      const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).on('close', () => client.destroy());
      upstream.pipe(client).on('close', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
  };
  const stop = async () => {
    const closed = server ? new Promise((resolve) => server!.close(resolve)) : Promise.resolve();
    server = undefined;
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  await listen();
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  const db = createDatabase(url.toString(), { poolSize: 5, applicationName: 'stoppable-test' });
  return {
    url: url.toString(),
    db,
    stop,
    restore: listen,
    close: async () => {
      await db.$disconnect();
      await stop();
    },
  };
}
