import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@gguf/local-services';
import { acquireExclusive, createTestDatabase, TEST_SECRETS_KEY, type TestDatabase, testEnv } from '@gguf/testkit';
import { ROOT } from './product';

export interface RunningWeb {
  /** http://127.0.0.1:{port}; PUBLIC_WEB_URL is http://localhost:{port}, another name for the same server. */
  url: string;
  port: number;
  publicWebUrl: string;
  adminToken: string;
  db: TestDatabase['db'];
  /** Bytes the server process has read so far (/proc/{pid}/io rchar): sockets, files, everything. */
  bytesRead(): Promise<number>;
  output(): string;
  stop(): Promise<void>;
}

const ADMIN_TOKEN = 'front-door-admin-token-0123456789';

/**
 * The web app alone, as production runs it: built like `npm start` builds it (cached by Turborepo)
 * and served by `next start` on loopback, against a database of its own and the test Redis. For
 * behaviour that exists only in the real Next server: how it buffers bodies, what reaches the
 * socket, instrumentation. Suites that build take turns (the `npm-start` lock), as the product's do.
 */
export async function startWeb(env: Record<string, string> = {}): Promise<RunningWeb> {
  const release = await acquireExclusive('npm-start');
  let database: TestDatabase | undefined;
  try {
    build();
    database = await createTestDatabase();
  } catch (error) {
    await database?.drop();
    await release();
    throw error;
  }
  const ownDatabase = database;
  const port = await freePort();
  const publicWebUrl = `http://localhost:${port}`;
  const { DATABASE_URL: _d, REDIS_URL: _r, ...inherited } = process.env;
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: join(ROOT, 'apps/web'),
    env: {
      ...inherited,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: ownDatabase.url,
      REDIS_URL: testEnv('redisUrl'),
      ADMIN_TOKEN,
      AUTH_SECRET: 'front-door-auth-secret-0123456789abcdef',
      SECRETS_KEY: TEST_SECRETS_KEY,
      PUBLIC_WEB_URL: publicWebUrl,
      NEXTAUTH_URL: publicWebUrl,
      LOG_LEVEL: 'warn',
      ...env,
    },
    // Its own process group: `next start` runs the server in a child process, and both must stop.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
    await ownDatabase.drop();
    await release();
  };
  try {
    await waitHealthy(url, () => child.exitCode !== null, () => output);
    const serverPid = await childOf(child.pid!);
    const bytesRead = async () => Number(/rchar: (\d+)/.exec(await readFile(`/proc/${serverPid}/io`, 'utf8'))![1]);
    return { url, port, publicWebUrl, adminToken: ADMIN_TOKEN, db: ownDatabase.db, bytesRead, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function build(): void {
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/turbo/bin/turbo'), 'run', 'build', '--filter=@gguf/web', '--output-logs=errors-only'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1', NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error(`building the web app failed:\n${result.stdout}\n${result.stderr}`);
}

async function waitHealthy(url: string, exited: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`next start exited:\n${output()}`);
    const status = await fetch(`${url}/healthz`).then((r) => r.status, () => 0);
    if (status === 200) return;
    await sleep(200);
  }
  throw new Error(`next start was not healthy within 60 s:\n${output()}`);
}

/** The process `next start` runs the server in (its only child). */
async function childOf(pid: number): Promise<number> {
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(/\s+/).filter(Boolean);
  return children.length === 1 ? Number(children[0]) : pid;
}
