import { spawn } from 'node:child_process';
import { freePort } from '@gguf/local-services';
import { createTestDatabase, TEST_SECRETS_KEY, testEnv } from '@gguf/testkit';
import { describe, expect, it } from 'vitest';
import { ROOT } from './lib/ensure-deps.mjs';

/**
 * Boot behaviour every Node app shares: env checked first, a database that is down is waited for.
 * The apps run in one process with tsx as a loader (`--import tsx`), as `node dist/main.js` runs them in
 * production: the tsx CLI would put a parent process in between that SIGKILLs its child when the child
 * does not acknowledge a relayed signal within 30 ms, which a busy start-up on a loaded machine can miss.
 */
const apps = [
  { name: 'gateway', entry: 'apps/gateway/src/main.ts', portVar: 'GATEWAY_PORT' },
  { name: 'worker', entry: 'apps/worker/src/main.ts', portVar: 'WORKER_PORT' },
] as const;

function run(entry: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not see ${pattern}:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { child, exited, output: () => output, waitFor };
}

describe.each(apps)('$name boot', ({ entry, portVar }) => {
  it('exits with EX_CONFIG naming each missing or malformed variable', async () => {
    const app = run(entry, { REDIS_URL: 'http://wrong', [portVar]: 'x' });
    expect(await app.exited).toBe(78);
    expect(app.output()).toContain('DATABASE_URL: is required but not set');
    expect(app.output()).toContain('REDIS_URL: must be a URL starting with redis:// or rediss://');
    expect(app.output()).toContain(`${portVar}: must be a port number`);
    expect(app.output()).toContain('SECRETS_KEY: is required but not set');
    expect(app.output()).not.toMatch(/\n\s+at\s/);
  });

  it('waits for a database that is down with one readable line per attempt, and stops cleanly meanwhile', async () => {
    const app = run(entry, { DATABASE_URL: `postgresql://x:y@127.0.0.1:${await freePort()}/none`, REDIS_URL: testEnv('redisUrl'), SECRETS_KEY: TEST_SECRETS_KEY, [portVar]: String(await freePort()), HOST: '127.0.0.1' });
    await app.waitFor(/postgres not reachable.*retrying[\s\S]*postgres not reachable.*retrying/);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.output()).not.toMatch(/\n\s+at\s/);
  });

  it('serves /healthz and stops cleanly on SIGTERM', async () => {
    const t = await createTestDatabase();
    try {
      const port = await freePort();
      const app = run(entry, { DATABASE_URL: t.url, REDIS_URL: testEnv('redisUrl'), SECRETS_KEY: TEST_SECRETS_KEY, [portVar]: String(port), HOST: '127.0.0.1', NODE_GPUS: '', RUNTIME: 'process' });
      let status = 0;
      const deadline = Date.now() + 60_000;
      while (status !== 200 && Date.now() < deadline) {
        status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
        if (status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(status).toBe(200);
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
    } finally {
      await t.drop();
    }
  });
});
