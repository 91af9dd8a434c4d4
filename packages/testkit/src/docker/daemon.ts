import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@gguf/local-services';
import { enginePing, engineRequest } from './engine-api';
import { type ClientTls, makeEngineTls } from './tls';

/**
 * A private Docker daemon for one test file: its own data root, exec root, pid file and socket
 * under a fresh temporary directory, no bridge and no iptables (containers use host networking),
 * so it never touches a Docker installation the machine may already run. DEVELOPERS.md has the
 * background; CI installs Debian's docker.io for it.
 */
export interface TestDockerDaemon {
  /** unix:///…/docker.sock: a Docker endpoint for dockerode or DOCKER_HOST. */
  host: string;
  socketPath: string;
  /** The temporary directory holding everything of this daemon. */
  root: string;
  /** With `tls`: the engine also listens on tcp://127.0.0.1 with --tlsverify, like a remote engine, and this is how to reach it. */
  tcp?: { url: string } & ClientTls;
  /** Removes every container, stops the daemon (and its containerd) and deletes its directory. */
  stop(): Promise<void>;
}

export interface StartTestDockerOptions {
  /** How long dockerd may take to answer /_ping. */
  startTimeoutMs?: number;
  /** Also listen on a loopback TCP port with mutual TLS (see `tcp`). */
  tls?: boolean;
}

function findOnPath(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/sbin', '/usr/local/bin']) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Kills every process whose command line mentions `marker` (the daemon's unique directory): containerd, shims. */
function killByMarker(marker: string): void {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return;
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
}

/** Unmounts whatever the daemon left mounted under `root` (overlay layers, shm), deepest first. */
function unmountUnder(root: string): void {
  let mounts: string[];
  try {
    mounts = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[1] ?? '')
      .map((path) => path.replace(/\\040/g, ' '))
      .filter((path) => path.startsWith(`${root}/`));
  } catch {
    return;
  }
  for (const path of mounts.sort((a, b) => b.length - a.length)) {
    try {
      execFileSync('umount', ['-l', path], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test runner that dies must not leave daemons behind.
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

export async function startTestDocker(options: StartTestDockerOptions = {}): Promise<TestDockerDaemon> {
  const dockerd = findOnPath('dockerd');
  if (!dockerd) {
    throw new Error(
      'dockerd is not installed: these tests run a private Docker daemon. Install Debian\'s docker.io (apt-get install docker.io; .ci/run does) — see DEVELOPERS.md.',
    );
  }
  if (process.getuid?.() !== 0) {
    throw new Error('dockerd needs root: run the Docker tests as root (CI does), see DEVELOPERS.md.');
  }
  // Short path: the socket path must stay under the 108-byte limit of unix sockets.
  const root = await mkdtemp(join(existsSync('/tmp') ? '/tmp' : tmpdir(), 'gguf-dockerd-'));
  const socketPath = join(root, 'docker.sock');
  const logFile = join(root, 'dockerd.log');
  const tls = options.tls ? makeEngineTls(join(root, 'tls')) : undefined;
  const tcpPort = tls ? await freePort() : undefined;
  const tlsArgs = tls
    ? ['--tlsverify', `--tlscacert=${tls.serverFiles.ca}`, `--tlscert=${tls.serverFiles.cert}`, `--tlskey=${tls.serverFiles.key}`, `--host=tcp://127.0.0.1:${tcpPort}`]
    : [];
  const log = openSync(logFile, 'a');
  const child = spawn(
    dockerd,
    [
      '--bridge=none',
      '--iptables=false',
      '--ip6tables=false',
      '--ip-masq=false',
      '--ip-forward=false',
      `--data-root=${join(root, 'data')}`,
      `--exec-root=${join(root, 'exec')}`,
      `--pidfile=${join(root, 'dockerd.pid')}`,
      `--host=unix://${socketPath}`,
      ...tlsArgs,
      '--log-level=warn',
    ],
    { stdio: ['ignore', log, log], detached: false },
  );
  closeSync(log);
  running.add(child);
  installExitHook();
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = signal ? `killed by ${signal}` : `exited with code ${code}`;
    running.delete(child);
  });
  child.once('error', (error) => (exited = error.message));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!exited) {
        // Containers first, so the daemon's shutdown has nothing to wait for.
        try {
          const list = await engineRequest(socketPath, 'GET', '/containers/json?all=1', undefined, 10_000);
          for (const c of JSON.parse(list.body) as { Id: string }[]) {
            await engineRequest(socketPath, 'DELETE', `/containers/${c.Id}?force=1&v=1`, undefined, 20_000).catch(() => undefined);
          }
        } catch {
          // The daemon is not answering; it is killed below anyway.
        }
        child.kill('SIGTERM');
        const deadline = Date.now() + 20_000;
        while (!exited && Date.now() < deadline) await sleep(100);
        if (!exited) child.kill('SIGKILL');
        while (!exited && Date.now() < deadline + 5_000) await sleep(50);
      }
      killByMarker(root);
      unmountUnder(root);
      await rm(root, { recursive: true, force: true }).catch(() => undefined);
    })();
    return stopping;
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await enginePing(socketPath))) {
    if (exited || Date.now() > deadline) {
      const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-15).join('\n');
      await stop();
      throw new Error(`the private dockerd ${exited ?? 'did not answer in time'}; its last log lines:\n${tail || '(none)'}\nSee DEVELOPERS.md for running the Docker tests.`);
    }
    await sleep(100);
  }
  const tcp = tls ? { url: `tcp://127.0.0.1:${tcpPort}`, ...tls.client } : undefined;
  return { host: `unix://${socketPath}`, socketPath, root, ...(tcp ? { tcp } : {}), stop };
}
