import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

export interface AppSpec {
  name: 'web' | 'gateway' | 'worker';
  args: string[];
  cwd: string;
  healthUrl: string;
}

export interface RunningApp {
  spec: AppSpec;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
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
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { spec, child, exited };
}

export async function stopApp(app: RunningApp, timeoutMs = 20_000): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), timeoutMs);
  await app.exited;
  clearTimeout(timer);
}
