import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { freePort, isPortFree } from '@gguf/local-services';
import pg from 'pg';
import { acquireExclusive } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../lib/ensure-deps.mjs';

/**
 * `npm start` end to end, on embedded defaults: no DATABASE_URL or REDIS_URL, so it runs its own
 * PostgreSQL and Redis under DATA_DIR; builds and starts the three apps; a killed app is restarted while the
 * others run on; Ctrl-C stops everything; a second start finds the same data.
 */
let dataDir: string;
const running: ChildProcess[] = [];
let releaseProductLock: (() => Promise<void>) | undefined;
// Suites that start the whole product take turns: each `npm start` builds the apps in this checkout.
beforeAll(async () => {
  releaseProductLock = await acquireExclusive('npm-start');
}, 900_000);
afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  await releaseProductLock?.();
});

async function start(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 240_000;
  while (!output.includes('Press Ctrl-C to stop.')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, output: () => output, exited };
}

/** True when a TCP connection to 127.0.0.1:port is refused: nothing listens there any more. */
function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

async function healthz(port: number) {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: res.status, body: (await res.json()) as { status: string } };
}

describe('npm start', () => {
  it('runs the whole product on embedded defaults, restarts a killed gateway, stops on Ctrl-C and keeps its data', { timeout: 600_000 }, async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gguf-start-'));
    await chmod(dataDir, 0o755);
    const [web, gateway, worker, postgres, redis] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const { DATABASE_URL: _d, REDIS_URL: _r, ADMIN_PASSWORD: _p, ADMIN_TOKEN: _t, ...inherited } = process.env;
    const env = {
      ...inherited,
      DATA_DIR: dataDir,
      WEB_PORT: String(web),
      GATEWAY_PORT: String(gateway),
      WORKER_PORT: String(worker),
      LOCAL_POSTGRES_PORT: String(postgres),
      LOCAL_REDIS_PORT: String(redis),
      HOST: '127.0.0.1',
      ADMIN_EMAIL: 'ops@example.com',
      NODE_ENV: 'production',
    };

    const first = await start(env);
    for (const port of [web, gateway, worker]) expect(await healthz(port)).toMatchObject({ status: 200, body: { status: 'ok' } });
    const secrets = JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8'));
    expect(first.output()).toContain('Admin sign-in           ops@example.com');
    expect(first.output()).toContain(`Admin password          ${secrets.adminPassword}`);
    expect(first.output()).toContain('Sign-up                 by invitation');
    // The SDK base URL it prints is the organization endpoint, and the gateway answers Claude Code's probe of it.
    const llm = /LLM endpoint \(SDK base\) (\S+)/.exec(first.output())?.[1];
    expect(llm).toBe(`http://localhost:${gateway}/api/llm`);
    expect((await fetch(`http://127.0.0.1:${gateway}/api/llm`, { method: 'HEAD' })).status).toBe(200);
    expect(first.output()).toContain(`ADMIN_TOKEN             ${secrets.adminToken}`);
    expect(secrets.secretsKey.length).toBeGreaterThanOrEqual(32);
    const sql = async <T,>(query: string): Promise<T[]> => {
      const client = new pg.Client({ connectionString: `postgresql://postgres:${encodeURIComponent(secrets.postgresPassword)}@127.0.0.1:${postgres}/gguf` });
      await client.connect();
      try {
        return (await client.query(query)).rows as T[];
      } finally {
        await client.end();
      }
    };
    // A secret an older version stored in plain text: the next start seals it before the apps start.
    await sql(`UPDATE organizations SET hf_token_secret = 'hf_legacy_plaintext_token'`);

    // A gateway killed outright is restarted; the web app and the worker keep running as they were.
    const pidOf = (app: string, verb = 'Started') => Number(new RegExp(`${verb} ${app} \\(pid (\\d+)\\)`).exec(first.output())?.[1]);
    const [webPid, gatewayPid, workerPid] = [pidOf('web'), pidOf('gateway'), pidOf('worker')];
    process.kill(gatewayPid, 'SIGKILL');
    const deadline = Date.now() + 120_000;
    while (!first.output().includes('gateway is back.') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(first.output()).toContain('gateway was killed (SIGKILL); restarting it in 1s');
    expect(first.output()).toContain('gateway is back.');
    expect(pidOf('gateway', 'Restarted')).not.toBe(gatewayPid);
    for (const port of [web, gateway, worker]) expect((await healthz(port)).status).toBe(200);
    expect(pidOf('web')).toBe(webPid);
    expect(pidOf('worker')).toBe(workerPid);
    for (const pid of [webPid, workerPid]) expect(() => process.kill(pid, 0)).not.toThrow();

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    // A fetch to Postgres or Redis fails whether they run or not (neither speaks HTTP): connect, and bind.
    for (const port of [web, gateway, worker, postgres, redis]) {
      expect(await connectionRefused(port), `port ${port}`).toBe(true);
      expect(await isPortFree(port), `port ${port}`).toBe(true);
    }
    for (const pid of [webPid, pidOf('gateway', 'Restarted'), workerPid]) expect(() => process.kill(pid, 0)).toThrow();

    const second = await start(env);
    for (const port of [web, gateway, worker]) expect((await healthz(port)).status).toBe(200);
    expect(second.output()).not.toContain('Admin password');
    expect(second.output()).toContain('Database schema is up to date.');
    expect(second.output()).toContain('Stored secrets: organizations.hf_token_secret: 1 sealed');
    expect(second.output()).not.toContain('hf_legacy_plaintext_token');
    expect(await sql('SELECT hf_token_secret FROM organizations')).toEqual([{ hf_token_secret: expect.stringMatching(/^gse1\./) }]);
    // Through the real Next server, a documented path called with the wrong method answers in the API's shape.
    const wrongMethod = await fetch(`http://127.0.0.1:${web}/api/v1/deployments`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'POST']);
    expect(await wrongMethod.json()).toMatchObject({ error: { type: 'method_not_allowed', request_id: wrongMethod.headers.get('x-request-id') } });
    expect(await sql('SELECT email, is_platform_admin FROM users')).toEqual([{ email: 'ops@example.com', is_platform_admin: true }]);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
