import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { engineRequest, type TestDockerDaemon } from '@gguf/testkit/docker';
import { ROOT } from '../lib/ensure-deps.mjs';

const run = promisify(execFile);

/** The Dockerfile's final stages, one image each. */
export const TARGETS = ['migrate', 'web', 'gateway', 'worker'] as const;
export type Target = (typeof TARGETS)[number];
export const imageTag = (target: Target) => `gguf-cloud-${target}:ci`;

/**
 * The docker CLI to build with. Debian's docker.io CLI (20.10) speaks BuildKit by itself with
 * DOCKER_BUILDKIT=1, which `--secret` needs; later CLIs hand BuildKit builds to the buildx plugin,
 * which Debian bookworm does not package. So Debian's CLI first, whatever else PATH holds.
 */
export function dockerCli(): string {
  if (existsSync('/usr/bin/docker')) return '/usr/bin/docker';
  return 'docker';
}

/** This machine's npm settings (its registry and CA file), as build secrets: never a build argument or a layer. */
export interface NpmSecrets {
  args: string[];
  /** A line written into the npmrc secret, so a test can prove no image holds it. */
  canary: string;
}

function npmConfig(name: string): string | undefined {
  const value = execFileSync('npm', ['config', 'get', name], { encoding: 'utf8' }).trim();
  return value === '' || value === 'null' || value === 'undefined' ? undefined : value;
}

export async function npmSecrets(dir: string, canary: string): Promise<NpmSecrets> {
  const userConfig = join(homedir(), '.npmrc');
  const lines = [`# ${canary}`, existsSync(userConfig) ? readFileSync(userConfig, 'utf8') : '', `registry=${npmConfig('registry') ?? 'https://registry.npmjs.org/'}`];
  const args: string[] = [];
  const cafile = npmConfig('cafile');
  if (cafile) {
    // The Dockerfile mounts secret npm_ca at /run/secrets/npm_ca for every npm step.
    lines.push('cafile=/run/secrets/npm_ca');
    args.push('--secret', `id=npm_ca,src=${cafile}`);
  }
  const npmrc = join(dir, 'npmrc-secret');
  await writeFile(npmrc, `${lines.join('\n')}\n`, { mode: 0o600 });
  return { args: ['--secret', `id=npmrc,src=${npmrc}`, ...args], canary };
}

/**
 * `docker build --network host` of one target of docker/Dockerfile on the test's daemon, with
 * BuildKit (its layer cache makes the later targets reuse the workspace build). Returns the build's
 * output for a failure message.
 */
export async function buildImage(daemon: TestDockerDaemon, target: Target, secrets: NpmSecrets): Promise<string> {
  const args = ['build', '--network', 'host', '--progress', 'plain', ...secrets.args, '-f', 'docker/Dockerfile', '--target', target, '-t', imageTag(target), '.'];
  try {
    const { stdout, stderr } = await run(dockerCli(), args, {
      cwd: ROOT,
      env: { ...process.env, DOCKER_HOST: daemon.host, DOCKER_BUILDKIT: '1' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout + stderr;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`docker build --target ${target} failed:\n${(stdout + stderr).split('\n').slice(-60).join('\n')}`, { cause: error });
  }
}

/** An image's size as `docker images` reports it, in bytes. */
export async function imageSize(daemon: TestDockerDaemon, tag: string): Promise<number> {
  const res = await engineRequest(daemon.socketPath, 'GET', `/images/${encodeURIComponent(tag)}/json`);
  if (res.status !== 200) throw new Error(`no image ${tag} (${res.status})`);
  return (JSON.parse(res.body) as { Size: number }).Size;
}
