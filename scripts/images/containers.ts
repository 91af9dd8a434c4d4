import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { TestDockerDaemon } from '@gguf/testkit/docker';
import { dockerCli } from './build-images';

const execFileAsync = promisify(execFile);

/** The docker CLI against the test's daemon; resolves with stdout, rejects with its stderr. */
export async function docker(daemon: TestDockerDaemon, args: string[], timeoutMs = 120_000): Promise<string> {
  try {
    const { stdout } = await execFileAsync(dockerCli(), args, { env: { ...process.env, DOCKER_HOST: daemon.host }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`docker ${args.slice(0, 2).join(' ')} failed: ${(stderr || stdout || (error as Error).message).trim()}`, { cause: error });
  }
}

export interface ContainerSpec {
  name: string;
  image: string;
  env: Record<string, string>;
  /** host:container binds. */
  volumes?: string[];
  /** Supplementary groups (the worker's Docker socket group). */
  groups?: number[];
}

/** `docker run` on host networking: the only network containers get here (loopback traffic only). */
export function runArgs(spec: ContainerSpec, detach: boolean): string[] {
  return [
    'run',
    ...(detach ? ['-d'] : ['--rm']),
    '--name',
    spec.name,
    '--network',
    'host',
    ...Object.entries(spec.env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    ...(spec.volumes ?? []).flatMap((volume) => ['-v', volume]),
    ...(spec.groups ?? []).flatMap((gid) => ['--group-add', String(gid)]),
    spec.image,
  ];
}

export async function logsOf(daemon: TestDockerDaemon, name: string): Promise<string> {
  const { stdout, stderr } = await execFileAsync(dockerCli(), ['logs', '--tail', '40', name], { env: { ...process.env, DOCKER_HOST: daemon.host } }).catch(
    (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
  );
  return `${stdout}${stderr}`;
}

/** Polls `probe` until it returns a value; on timeout, says what it waited for and what `explain` adds. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, explain: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${await explain()}`);
    await sleep(250);
  }
}

/** GET http://127.0.0.1:port/healthz until it answers 200 with status ok. */
export function waitHealthy(daemon: TestDockerDaemon, name: string, port: number): Promise<unknown> {
  return waitFor(
    `${name} /healthz on port ${port}`,
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      const body = (await res.json()) as { status?: string };
      return res.status === 200 && body.status === 'ok' ? body : undefined;
    },
    120_000,
    () => logsOf(daemon, name),
  );
}
