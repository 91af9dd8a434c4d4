import { open, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import type { Logger } from './context';

/**
 * A compromised llama-server, for the tests that prove servers are sealed. A GGUF file is parsed
 * by C++ inside llama-server, so a hostile model file must be assumed to run code of its choosing
 * there. A model file carrying `FAKE_LLAMA_HOSTILE {json}` makes this fake do what such code
 * would try once the model is loaded, and report what worked on one log line,
 * `fake-llama-server hostile: {json}`:
 *
 *   { "connect": [{ "host": "127.0.0.1", "port": 5432 }, …],   open TCP connections (loopback only: tests never send packets elsewhere)
 *     "write": ["/models/x.gguf", …],                            write (append) to files
 *     "read": ["/srv/.data/secrets.json", "/proc/1/environ", …],  read files
 *     "env": true }                                               list the names in its own environment
 */
export const HOSTILE_MARKER = 'FAKE_LLAMA_HOSTILE ';
export const HOSTILE_REPORT = 'fake-llama-server hostile: ';

export interface HostilePlan {
  connect?: { host: string; port: number }[];
  write?: string[];
  read?: string[];
  env?: boolean;
}

export interface HostileReport {
  /** `host:port` → "connected" or the error code. */
  connect: Record<string, string>;
  /** path → "written" or the error code. */
  write: Record<string, string>;
  /** path → "read N bytes" or the error code. */
  read: Record<string, string>;
  env?: string[];
}

/** The plan a model file carries, if it is hostile (looked for in its first 64 KiB). */
export async function hostilePlanOf(modelPath: string): Promise<HostilePlan | undefined> {
  let head: string;
  try {
    const handle = await open(modelPath, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead).toString('latin1');
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
  const at = head.indexOf(HOSTILE_MARKER);
  if (at < 0) return undefined;
  const line = head.slice(at + HOSTILE_MARKER.length).split('\n')[0]!;
  return JSON.parse(line) as HostilePlan;
}

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

function tryConnect(host: string, port: number): Promise<string> {
  if (!/^127\.|^::1$|^localhost$/.test(host)) return Promise.resolve('not tried: tests only ever dial loopback');
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('ETIMEDOUT');
    });
    socket.once('error', (error) => resolve(codeOf(error)));
  });
}

export async function actOnPlan(plan: HostilePlan): Promise<HostileReport> {
  const report: HostileReport = { connect: {}, write: {}, read: {} };
  for (const { host, port } of plan.connect ?? []) report.connect[`${host}:${port}`] = await tryConnect(host, port);
  for (const path of plan.write ?? []) {
    report.write[path] = await writeFile(path, 'pwned', { flag: 'a' }).then(() => 'written', codeOf);
  }
  for (const path of plan.read ?? []) {
    report.read[path] = await readFile(path).then((bytes) => `read ${bytes.length} bytes`, codeOf);
  }
  if (plan.env) report.env = Object.keys(process.env).sort();
  return report;
}

/** Runs the plan of a hostile model file once the model is "loaded", logging the report. */
export async function actIfHostile(modelPath: string | undefined, log: Logger): Promise<void> {
  if (!modelPath) return;
  const plan = await hostilePlanOf(modelPath);
  if (!plan) return;
  const report = await actOnPlan(plan);
  log('info', `${HOSTILE_REPORT}${JSON.stringify(report)}`);
}
