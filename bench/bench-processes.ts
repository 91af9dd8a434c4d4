// The child processes a benchmark starts (upstreams, proxies, the gateway), logged to one file and all stopped
// together at the end, plus a wait for each to answer.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

export class BenchProcesses {
  private readonly children: ChildProcess[] = [];

  constructor(
    private readonly cwd: string,
    private readonly logFd: number,
  ) {}

  start(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
    const child = spawn(command, args, { cwd: this.cwd, env, stdio: ['ignore', this.logFd, this.logFd] });
    this.children.push(child);
    return child;
  }

  async stopAll(): Promise<void> {
    for (const child of this.children) child.kill('SIGTERM');
    await Promise.all(this.children.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'exit') : undefined)));
  }
}

export async function waitUntilAnswering(url: string, deadlineMs = 30_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > until) throw new Error(`${url} did not answer within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
