import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildLlamaServerArgs } from '@gguf/core';
import { portFree } from '../ports';
import { ServerDirs, type ServerUser } from '../server-dir';
import {
  type FollowLogsOptions,
  type LaunchRequest,
  type LogFollower,
  type PullProgress,
  type Runtime,
  type RuntimeEvent,
  RuntimeUnavailableError,
  type ServerInfo,
  deploymentPrefix,
  legacyServerId,
  serverName,
} from '../types';
import { followLogFile, tailFile } from './log-file';
import { isAlive, processStartTime, resolveBinary, signalGroup } from './proc';

export interface ProcessRuntimeOptions {
  nodeId: string;
  /** LLAMA_SERVER_BIN; `llama-server` on PATH when absent. */
  binary?: string;
  /** Where state files (one per server), log files (one per deployment) and servers' own directories live. */
  stateDir: string;
  /** Address llama-server binds; loopback unless the node is reached from other machines. */
  bindHost: string;
  /** Pass-through environment for llama-server (SERVER_ENV_PASSTHROUGH). */
  env: Record<string, string>;
  /** Who servers run as when the worker is root (SERVER_USER); undefined: the worker's own user. */
  serverUser?: ServerUser;
  /** A log file is emptied once a follower has shipped this many bytes of it (servers append, so nothing is torn). */
  maxLogBytes?: number;
  /** How often followers look for new output and whether their server still runs. */
  pollMs?: number;
}

/** What a state file records: enough to find, identify and stop the server after a worker restart. */
interface ServerRecord {
  deploymentId: string;
  /** Absent in state files written before deployments had servers of their own. */
  serverId?: string;
  generation: number;
  nodeId: string;
  port: number;
  pid: number;
  /** Kernel start time of `pid`, guarding against pid reuse (Linux). */
  pidStart?: string;
  startedAt: string;
  logFile: string;
  exitCode?: number | null;
  exitSignal?: string | null;
  finishedAt?: string;
}

/**
 * Variables of the worker's own environment a server may see: what finds programs, libraries (CUDA)
 * and the locale. llama-server does no network I/O of its own, so no proxy or TLS settings either;
 * everything else (DATABASE_URL, SECRETS_KEY…) stays out.
 */
const INHERITED_ENV = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'LD_LIBRARY_PATH'];

/**
 * Process runtime: llama-server as a child process on this machine, for laptops and single-box
 * installs without Docker. Servers are started in their own process group so they outlive a
 * worker restart; a state file per server lets the next worker find and stop them. A worker
 * running as root starts them as SERVER_USER, in a directory of their own, with an almost empty
 * environment; still, processes share the machine's network and file system, so this runtime does
 * not isolate tenants from each other (docs/security.md).
 */
export class ProcessRuntime implements Runtime {
  readonly kind = 'process' as const;
  readonly description: string;
  private readonly events = new EventEmitter();
  private readonly serversDir: string;
  private readonly logsDir: string;
  private readonly dirs: ServerDirs;
  private readonly locks = new Map<string, Promise<void>>();
  private writes = 0;

  constructor(private readonly options: ProcessRuntimeOptions) {
    this.serversDir = join(resolve(options.stateDir), 'servers');
    this.logsDir = join(resolve(options.stateDir), 'logs');
    this.dirs = new ServerDirs(join(resolve(options.stateDir), 'run'), options.serverUser);
    this.description = `process ${options.binary ?? 'llama-server'}`;
  }

  private binary(): string {
    const found = resolveBinary(this.options.binary);
    if (!found) {
      throw new RuntimeUnavailableError(
        this.options.binary
          ? `LLAMA_SERVER_BIN=${this.options.binary} is not an executable file`
          : 'llama-server was not found on PATH: install llama.cpp or set LLAMA_SERVER_BIN',
      );
    }
    return found;
  }

  /** The llama-server executable, or undefined when there is none (deployments then fail saying so). */
  binaryPath(): string | undefined {
    return resolveBinary(this.options.binary);
  }

  /** The node is usable even without a binary: deployments fail with a message saying how to install one. */
  async ping(): Promise<void> {
    // Servers (another user) must pass through the state directory to their own; they may not list it or see the rest.
    const stateDir = resolve(this.options.stateDir);
    await mkdir(stateDir, { recursive: true, mode: 0o711 });
    await chmod(stateDir, 0o711);
    await mkdir(this.serversDir, { recursive: true, mode: 0o700 });
    await mkdir(this.logsDir, { recursive: true, mode: 0o700 });
  }

  async missingImage(): Promise<string | undefined> {
    return undefined;
  }

  async pull(_image: string, _onProgress: (progress: PullProgress) => void): Promise<void> {
    // Nothing to pull: the binary is on the machine.
  }

  /** A server's output, named like the server (so a deployment's files share its prefix). */
  logFile(handle: string): string {
    return join(this.logsDir, `${handle}.log`);
  }

  private stateFile(handle: string): string {
    return join(this.serversDir, `${handle}.json`);
  }

  private async readRecord(handle: string): Promise<ServerRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.stateFile(handle), 'utf8')) as ServerRecord;
    } catch {
      return undefined;
    }
  }

  private async writeRecord(handle: string, record: ServerRecord): Promise<void> {
    const file = this.stateFile(handle);
    const temp = `${file}.${process.pid}.${++this.writes}.tmp`;
    await writeFile(temp, JSON.stringify(record), { mode: 0o600 });
    await rename(temp, file);
  }

  /** Updates of one server's state file, one at a time: an exit noticed while the server is being removed must not bring its file back. */
  private locked<T>(handle: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(handle) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(handle, settled);
    void settled.then(() => {
      if (this.locks.get(handle) === settled) this.locks.delete(handle);
    });
    return next;
  }

  /** Records how a server ended, if its state file still exists and still describes that process. */
  private markExited(handle: string, pid: number, exit: { exitCode?: number | null; exitSignal?: string | null }): Promise<void> {
    return this.locked(handle, async () => {
      const current = await this.readRecord(handle);
      if (current && current.pid === pid && current.finishedAt === undefined) {
        await this.writeRecord(handle, { ...current, ...exit, finishedAt: new Date().toISOString() });
      }
    });
  }

  private info(handle: string, record: ServerRecord): ServerInfo {
    const alive = record.finishedAt === undefined && isAlive(record.pid, record.pidStart);
    return {
      deploymentId: record.deploymentId,
      serverId: record.serverId ?? legacyServerId(record.deploymentId),
      generation: record.generation,
      nodeId: record.nodeId,
      handle,
      port: record.port,
      pid: record.pid,
      state: alive ? 'running' : 'exited',
      exitCode: alive ? undefined : record.exitCode,
      startedAt: new Date(record.startedAt),
      finishedAt: record.finishedAt ? new Date(record.finishedAt) : undefined,
    };
  }

  async start(request: LaunchRequest): Promise<ServerInfo> {
    const handle = serverName(request);
    const existing = await this.readRecord(handle);
    if (existing) {
      const info = this.info(handle, existing);
      if (info.state === 'running') return info;
      await rm(this.stateFile(handle), { force: true });
    }
    const binary = this.binary();
    await this.ping();
    const dir = await this.dirs.prepare(handle, request.apiKey);
    const args = buildLlamaServerArgs({
      ...request,
      modelPath: request.modelFile,
      listen: { host: this.options.bindHost, port: request.port },
      apiKeyFile: this.dirs.apiKeyFile(handle),
    });
    const inherited = Object.fromEntries(INHERITED_ENV.flatMap((name) => (process.env[name] !== undefined ? [[name, process.env[name]!]] : [])));
    const env = {
      ...inherited,
      ...this.options.env,
      HOME: dir,
      TMPDIR: dir,
      // Exactly the allocated GPUs; none at all for a CPU-only deployment.
      CUDA_VISIBLE_DEVICES: request.gpuIndices.join(','),
    };
    const user = this.options.serverUser;
    const logFile = this.logFile(handle);
    const fd = openSync(logFile, 'a', 0o600);
    let child;
    try {
      child = spawn(binary, args, { detached: true, stdio: ['ignore', fd, fd], env, cwd: dir, ...(user ? { uid: user.uid, gid: user.gid } : {}) });
    } finally {
      closeSync(fd);
    }
    const pid = child.pid;
    if (pid === undefined) {
      const error = await new Promise<Error>((resolve) => child.once('error', resolve));
      throw new RuntimeUnavailableError(`could not start ${binary}: ${error.message}`);
    }
    child.on('error', () => undefined);
    const record: ServerRecord = {
      deploymentId: request.deploymentId,
      serverId: request.serverId,
      generation: request.generation,
      nodeId: request.nodeId,
      port: request.port,
      pid,
      pidStart: processStartTime(pid),
      startedAt: new Date().toISOString(),
      logFile,
    };
    await this.writeRecord(handle, record);
    child.once('exit', (code, signal) => {
      void this.markExited(handle, pid, { exitCode: code, exitSignal: signal })
        .catch(() => undefined)
        .then(() => this.events.emit('event', { kind: 'exited', deploymentId: request.deploymentId, serverId: request.serverId, generation: request.generation } satisfies RuntimeEvent));
    });
    // The worker may exit (or restart) while servers keep running.
    child.unref();
    return this.info(handle, record);
  }

  async list(): Promise<ServerInfo[]> {
    let names: string[];
    try {
      names = await readdir(this.serversDir);
    } catch {
      return [];
    }
    const servers: ServerInfo[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const handle = name.slice(0, -'.json'.length);
      const record = await this.readRecord(handle);
      if (record && record.nodeId === this.options.nodeId) servers.push(this.info(handle, record));
    }
    return servers;
  }

  async inspect(handle: string): Promise<ServerInfo | undefined> {
    const record = await this.readRecord(handle);
    return record ? this.info(handle, record) : undefined;
  }

  async stop(handle: string, timeoutMs: number): Promise<void> {
    const record = await this.readRecord(handle);
    if (!record || !isAlive(record.pid, record.pidStart)) return;
    signalGroup(record.pid, 'SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while (isAlive(record.pid, record.pidStart) && Date.now() < deadline) await sleep(50);
    if (isAlive(record.pid, record.pidStart)) {
      signalGroup(record.pid, 'SIGKILL');
      const killDeadline = Date.now() + 5_000;
      while (isAlive(record.pid, record.pidStart) && Date.now() < killDeadline) await sleep(50);
    }
    await this.markExited(handle, record.pid, {});
  }

  async remove(handle: string): Promise<void> {
    await this.stop(handle, 0);
    await this.locked(handle, () => rm(this.stateFile(handle), { force: true }));
    await this.dirs.remove(handle);
  }

  async tail(handle: string, lines: number): Promise<string[]> {
    const record = await this.readRecord(handle);
    const file = record?.logFile ?? this.logFile(handle);
    return tailFile(file, lines);
  }

  followLogs(server: ServerInfo, options: FollowLogsOptions): LogFollower {
    return followLogFile(this.logFile(server.handle), options, {
      pollMs: this.options.pollMs ?? 250,
      maxBytes: this.options.maxLogBytes ?? 16 * 1024 * 1024,
      isRunning: async () => (await this.inspect(server.handle))?.state === 'running',
    });
  }

  async purge(deploymentId: string): Promise<void> {
    const prefix = deploymentPrefix(deploymentId);
    const logs = await readdir(this.logsDir).catch(() => [] as string[]);
    await Promise.all(logs.filter((name) => name.startsWith(prefix)).map((name) => rm(join(this.logsDir, name), { force: true })));
    for (const server of await this.list()) {
      if (server.deploymentId === deploymentId) await this.remove(server.handle);
    }
    await this.dirs.removeAll(deploymentId);
  }

  async expose(): Promise<void> {
    // llama-server binds its port itself.
  }

  async portAvailable(port: number): Promise<boolean> {
    return portFree(this.options.bindHost, port);
  }

  watch(listener: (event: RuntimeEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  async close(): Promise<void> {
    // Servers keep running: the next worker on this machine adopts them through their state files.
    this.events.removeAllListeners();
  }
}
