import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface AppSpec {
  name: 'web' | 'gateway' | 'worker';
  args: string[];
  cwd: string;
  healthUrl: string;
}

export interface RunningApp {
  spec: AppSpec;
  child: ChildProcess;
  exited: Promise<number | null>;
}

const COLORS = { web: 36, gateway: 35, worker: 33 } as const;

export function appSpecs(root: string, ports: { web: number; gateway: number; worker: number }, host: string): AppSpec[] {
  const local = (port: number) => `http://127.0.0.1:${port}/healthz`;
  return [
    { name: 'web', cwd: join(root, 'apps/web'), args: [join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(ports.web), '-H', host], healthUrl: local(ports.web) },
    { name: 'gateway', cwd: join(root, 'apps/gateway'), args: ['dist/main.js'], healthUrl: local(ports.gateway) },
    { name: 'worker', cwd: join(root, 'apps/worker'), args: ['dist/main.js'], healthUrl: local(ports.worker) },
  ];
}

/** Starts an app with its output prefixed by its name, so three logs can share one terminal. */
export function startApp(spec: AppSpec, env: NodeJS.ProcessEnv): RunningApp {
  // Own process group: on Ctrl-C only the orchestrator gets the signal and stops each app exactly once.
  const child = spawn(process.execPath, spec.args, { cwd: spec.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = process.stdout.isTTY ? `\x1b[${COLORS[spec.name]}m[${spec.name}]\x1b[0m ` : `[${spec.name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${prefix}${line}\n`));
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { spec, child, exited };
}

/** Polls an app's /healthz until it answers 200, or fails when the app exits or time runs out. */
export async function waitHealthy(app: RunningApp, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  let exited = false;
  void app.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${app.spec.name} exited before it became healthy`);
    try {
      const res = await fetch(app.spec.healthUrl, { signal: AbortSignal.timeout(3000) });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`${app.spec.name} was not healthy within ${timeoutMs / 1000}s (last: ${last})`);
}

export async function stopApp(app: RunningApp, timeoutMs = 20_000): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), timeoutMs);
  await app.exited;
  clearTimeout(timer);
}
