import { tmpdir } from 'node:os';
import { freePort } from '@gguf/local-services';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppSpec } from './apps';
import type { RestartPolicy } from './restart-policy';
import { SupervisedApp } from './supervisor';

/** Real child processes (small Node scripts) under the supervisor `npm start` runs the apps with. */
const FAST: RestartPolicy = { initialDelayMs: 20, maxDelayMs: 30, stableAfterMs: 60_000, maxCrashesInRow: 3 };
const supervised: SupervisedApp[] = [];
afterEach(async () => {
  for (const app of supervised.splice(0)) await app.stop();
});

async function supervise(script: string, policy = FAST) {
  const port = await freePort();
  const spec: AppSpec = { name: 'worker', args: ['-e', script], cwd: tmpdir(), healthUrl: `http://127.0.0.1:${port}/healthz` };
  const lines: string[] = [];
  let fatal = 0;
  const app = new SupervisedApp(spec, { PATH: process.env.PATH, PORT: String(port) }, { say: (line) => lines.push(line.trim()), onFatal: () => fatal++ }, policy);
  supervised.push(app);
  return { app, lines, fatal: () => fatal };
}

const serveHealth = `require('node:http').createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')`;

async function until(check: () => boolean, deadlineMs = 20_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('SupervisedApp', () => {
  it('restarts an app that was killed, says when it is back, and a stop ends it for good', async () => {
    const { app, lines } = await supervise(serveHealth);
    await app.waitHealthy();
    const first = app.pid!;
    process.kill(first, 'SIGKILL');
    await until(() => lines.includes('worker is back.'));
    expect(lines).toContain('worker was killed (SIGKILL); restarting it in 0.02s (crash 1 in a row; left down at 3).');
    expect(app.pid).not.toBe(first);
    await app.waitHealthy();
    const second = app.pid!;
    await app.stop();
    expect(() => process.kill(second, 0)).toThrow();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lines.filter((line) => line.startsWith('Restarted'))).toHaveLength(1);
  });

  it('leaves an app down after too many crashes in a row, waiting longer each time, up to a cap', async () => {
    const { app, lines, fatal } = await supervise('process.exit(3)');
    await expect(app.waitHealthy()).rejects.toThrow('worker keeps crashing');
    expect(lines.filter((line) => line.includes('restarting it in'))).toEqual([
      'worker exited with code 3; restarting it in 0.02s (crash 1 in a row; left down at 3).',
      'worker exited with code 3; restarting it in 0.03s (crash 2 in a row; left down at 3).',
    ]);
    expect(lines.at(-1)).toContain('worker exited with code 3: 3 crashes in a row, each within 60s of starting. It is left down');
    expect(app.gaveUp).toBe(true);
    expect(fatal()).toBe(0);
  });

  it('does not restart an app whose configuration is invalid, and asks for everything to stop', async () => {
    const { app, lines, fatal } = await supervise('process.exit(78)');
    await until(() => fatal() === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lines.filter((line) => line.startsWith('Started') || line.startsWith('Restarted'))).toHaveLength(1);
    expect(lines.at(-1)).toBe('worker exited with code 78: its configuration is invalid (see above).');
    expect(app.gaveUp).toBe(false);
  });
});
