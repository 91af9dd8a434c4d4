import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The real Claude Code CLI, run so that nothing but loopback can be reached: its non-essential traffic off, every
 * proxied connection sent to a loopback port that drops it (and counts it), a fresh HOME and working directory per
 * run, a minimal environment (nothing of the developer's own Claude setup leaks in) and a timeout.
 */

/**
 * The native binary from the platform package npm installs beside `@anthropic-ai/claude-code`. The wrapper
 * package's postinstall would copy it over its placeholder `bin/claude.exe`; the project denies install scripts
 * (package.json `allowScripts`), so the binary is run from where it was installed.
 */
export function claudeBinary(): string {
  const require = createRequire(import.meta.url);
  const platform = `@anthropic-ai/claude-code-${process.platform}-${process.arch}`;
  // npm installs the one package whose os, cpu and libc match: the glibc build, or on musl systems the -musl one.
  for (const name of [platform, `${platform}-musl`]) {
    try {
      return join(dirname(require.resolve(`${name}/package.json`)), 'claude');
    } catch {
      // Not this one.
    }
  }
  throw new Error(`${platform} is not installed: run npm install at the repository root (Claude Code is a dev dependency)`);
}

/** A loopback port that accepts and drops every connection: where HTTP(S)_PROXY points, so nothing can leave. */
export interface DeadEndProxy {
  url: string;
  /** Connections that reached it: anything Claude Code tried to send anywhere but the gateway. */
  attempts(): number;
  close(): Promise<void>;
}

export async function startDeadEndProxy(): Promise<DeadEndProxy> {
  let attempts = 0;
  const server = createServer((socket) => {
    attempts++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    attempts: () => attempts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface ClaudeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ClaudeSession {
  /** Runs `claude` with these arguments in the session's directory and HOME. */
  run(args: string[]): Promise<ClaudeRun>;
  close(): Promise<void>;
}

const RUN_TIMEOUT_MS = 60_000;

/**
 * One HOME and working directory for a Claude Code session (`--resume` finds its transcript there). `auth` is
 * exported as ANTHROPIC_AUTH_TOKEN (sent as Bearer) or ANTHROPIC_API_KEY (sent as x-api-key); `env` adds variables.
 */
export async function claudeSession(options: { baseUrl: string; auth: { token: string } | { apiKey: string }; proxy: DeadEndProxy; env?: Record<string, string> }): Promise<ClaudeSession> {
  const root = await mkdtemp(join(tmpdir(), 'claude-code-test-'));
  const home = join(root, 'home');
  const work = join(root, 'work');
  await Promise.all([mkdir(home), mkdir(work)]);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    ANTHROPIC_BASE_URL: options.baseUrl,
    ...('token' in options.auth ? { ANTHROPIC_AUTH_TOKEN: options.auth.token } : { ANTHROPIC_API_KEY: options.auth.apiKey }),
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    HTTPS_PROXY: options.proxy.url,
    HTTP_PROXY: options.proxy.url,
    https_proxy: options.proxy.url,
    http_proxy: options.proxy.url,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    ...options.env,
  };
  const binary = claudeBinary();
  return {
    run: (args) =>
      new Promise((resolve) => {
        execFile(binary, args, { cwd: work, env, timeout: RUN_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          resolve({ code, stdout, stderr });
        });
      }),
    close: () => rm(root, { recursive: true, force: true }),
  };
}
