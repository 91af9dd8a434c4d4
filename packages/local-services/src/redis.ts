import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { retryWithBackoff } from '@gguf/core';
import { requireExecutable } from './binaries';
import { startServerProcess, type ServerProcess } from './child';

export interface LocalRedisOptions {
  dataDir: string;
  port: number;
  /** requirepass; omitted for throwaway test servers. */
  password?: string;
  /** Append-only persistence, so queued jobs survive a restart. Off for tests. */
  persistent?: boolean;
}

export interface LocalRedis {
  url: string;
  process: ServerProcess;
  stop(): Promise<void>;
}

/** Runs a private redis-server from the machine's binary, bound to 127.0.0.1. */
export async function startLocalRedis({ dataDir, port, password, persistent = false }: LocalRedisOptions): Promise<LocalRedis> {
  const redisServer = requireExecutable('redis-server', ['/usr/bin', '/usr/local/bin'], 'Install Redis (Debian: apt-get install redis-server) or set REDIS_URL.');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--daemonize', 'no', '--protected-mode', 'yes', '--save', ''];
  args.push('--appendonly', persistent ? 'yes' : 'no');
  if (password) args.push('--requirepass', password);
  const server = startServerProcess(redisServer, args, join(dataDir, 'redis.log'));
  const stop = () => server.stop('SIGTERM');
  try {
    await retryWithBackoff(
      async () => {
        if (server.child.exitCode !== null) throw new Error(`redis-server exited early; see ${join(dataDir, 'redis.log')}`);
        await ping(port, password);
      },
      { initialDelayMs: 50, maxDelayMs: 500, deadlineMs: 15_000 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const auth = password ? `:${encodeURIComponent(password)}@` : '';
  return { url: `redis://${auth}127.0.0.1:${port}`, process: server, stop };
}

/** A PING over RESP without a client library, so this package needs no Redis dependency. */
function ping(port: number, password?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let buffer = '';
    socket.setTimeout(1000, () => socket.destroy(new Error('timed out')));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(`${password ? `AUTH ${password}\r\n` : ''}PING\r\n`));
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      if (buffer.includes('+PONG')) {
        socket.end();
        resolve();
      } else if (buffer.includes('-')) {
        socket.destroy();
        reject(new Error(buffer.trim()));
      }
    });
  });
}
