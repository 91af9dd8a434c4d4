import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, describeError } from '@gguf/core';
import type Dockerode from 'dockerode';
import { LineBatcher, LineSplitter } from '../lines';
import { portFree } from '../ports';
import type { ServerUser } from '../server-dir';
import {
  type FollowLogsOptions,
  LABELS,
  type LaunchRequest,
  type LogFollower,
  PullError,
  type PullProgress,
  type Runtime,
  type RuntimeEvent,
  RuntimeUnavailableError,
  type ServerInfo,
  type ServerState,
  serverName,
} from '../types';
import { connectDocker, type DockerEndpoint, isLocalEndpoint } from './connect';
import { type ContainerSettings, containerSpec, imageFor } from './container-spec';
import { NodeHelper } from './node-helper';
import { HelperServerHost, LocalServerHost, type ServerHost } from './server-host';
import { Demuxer, demuxBuffer, type StreamKind } from './demux';

export interface DockerRuntimeOptions extends Omit<ContainerSettings, 'memoryBytes' | 'user'> {
  endpoint: DockerEndpoint;
  nodeId: string;
  /** Where servers' own directories (key file, socket) are made: a path on the engine's host. */
  serversDir: string;
  /** Who servers run as; undefined: the worker's own user (a worker that is not root cannot hand files to another). */
  serverUser?: ServerUser;
  /**
   * A remote engine's node helper: the image (the worker's own) and the paths on that engine's host
   * its jobs work in (the model store and the worker's state). Without it, servers can run on a
   * local engine only.
   */
  helper?: { image: string; binds: string[] };
  /** Hard memory limit per container; defaults to 90% of the engine's memory so one server cannot take the host down. */
  memoryBytes?: number;
  /** Deadline for engine calls that should be quick (ping, inspect). */
  callTimeoutMs?: number;
}

interface DockerError {
  statusCode?: number;
  json?: { message?: string };
  reason?: string;
  message?: string;
}

const statusOf = (error: unknown): number | undefined => (error as DockerError | undefined)?.statusCode;

/** The engine's own words, not dockerode's "(HTTP code 500) server error - " wrapper. */
function engineMessage(error: unknown): string {
  const e = error as DockerError;
  return (e?.json?.message ?? describeError(error).replace(/^\(HTTP code \d+\)\s*[\w\s]*-\s*/, '')).trim();
}

async function ignoring<T>(codes: number[], call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (codes.includes(statusOf(error) ?? -1)) return undefined;
    throw error;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function stateOf(status: string | undefined): ServerState {
  if (status === 'created') return 'created';
  if (status === 'running' || status === 'paused' || status === 'restarting') return 'running';
  return 'exited';
}

const date = (value: string | undefined): Date | undefined => {
  if (!value || value.startsWith('0001-')) return undefined;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
};

/** RFC 3339 with nanoseconds (trailing zeros trimmed by Docker) → nanoseconds since the epoch, for exact ordering. */
export function timestampNs(ts: string): bigint {
  const match = /^(.*?)(?:\.(\d+))?Z$/.exec(ts);
  if (!match) return 0n;
  const seconds = BigInt(Math.floor(Date.parse(`${match[1]}Z`) / 1000));
  const fraction = BigInt((match[2] ?? '').padEnd(9, '0').slice(0, 9));
  return seconds * 1_000_000_000n + fraction;
}

/** Docker runtime: one container per deployment generation, found again by its labels. */
export class DockerRuntime implements Runtime {
  readonly kind = 'docker' as const;
  readonly description: string;
  readonly docker: Dockerode;
  private readonly events = new EventEmitter();
  private eventStream: NodeJS.ReadableStream | undefined;
  private watching = false;
  private memoryBytes: number | undefined;
  private readonly callTimeoutMs: number;
  private readonly user: string;
  /** Where servers' directories and ports live: this machine, or a remote engine's host through the node helper. */
  private readonly host: ServerHost | undefined;
  /** A remote engine's helper (also what the worker's model store uses there). */
  readonly helper: NodeHelper | undefined;

  constructor(private readonly options: DockerRuntimeOptions) {
    this.docker = connectDocker(options.endpoint);
    this.description = `docker ${options.endpoint.url} (network ${options.networkMode})`;
    this.memoryBytes = options.memoryBytes;
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000;
    const self = { uid: process.getuid?.() ?? 65534, gid: process.getgid?.() ?? 65534 };
    const user = options.serverUser ?? self;
    this.user = `${user.uid}:${user.gid}`;
    const settings = { serversDir: options.serversDir, serverUser: options.serverUser, bindHost: options.bindHost, user: this.user };
    if (isLocalEndpoint(options.endpoint.url)) {
      this.host = new LocalServerHost(settings, options.networkMode === 'none');
    } else if (options.helper) {
      this.helper = new NodeHelper({ docker: this.docker, image: options.helper.image, nodeId: options.nodeId, binds: options.helper.binds });
      this.host = new HelperServerHost(settings, this.helper);
    }
  }

  private serverHost(): ServerHost {
    if (!this.host) throw new RuntimeUnavailableError(`servers on the remote engine ${this.options.endpoint.url} need the node helper (NODE_HELPER_IMAGE)`);
    return this.host;
  }

  async ping(): Promise<void> {
    try {
      await withTimeout(this.docker.ping(), this.callTimeoutMs, 'docker ping');
    } catch (error) {
      throw new RuntimeUnavailableError(`the Docker engine at ${this.options.endpoint.url} does not answer: ${describeError(error)}`);
    }
  }

  imageFor(request: Pick<LaunchRequest, 'gpuIndices'>): string {
    return imageFor(request, this.options);
  }

  async missingImage(request: Pick<LaunchRequest, 'gpuIndices'>): Promise<string | undefined> {
    // A remote engine's helper first: finding the model on that host already needs it.
    for (const image of [this.helper?.image, this.imageFor(request)]) {
      if (!image) continue;
      // 400: a malformed reference; the pull that follows says so in the registry's words.
      const found = await ignoring([400, 404], () => this.docker.getImage(image).inspect());
      if (!found) return image;
    }
    return undefined;
  }

  async pull(image: string, onProgress: (progress: PullProgress) => void, signal?: AbortSignal): Promise<void> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = (await this.docker.pull(image)) as NodeJS.ReadableStream;
    } catch (error) {
      throw pullError(image, engineMessage(error), statusOf(error));
    }
    const layers = new Map<string, { current: number; total: number }>();
    await new Promise<void>((resolve, reject) => {
      const abort = () => {
        (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
        reject(signal?.reason instanceof Error ? signal.reason : new Error('pull aborted'));
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.docker.modem.followProgress(
        stream,
        (error: Error | null) => {
          signal?.removeEventListener('abort', abort);
          if (error) reject(pullError(image, engineMessage(error)));
          else resolve();
        },
        (event: { status?: string; id?: string; progressDetail?: { current?: number; total?: number }; error?: string }) => {
          if (event.id && event.progressDetail?.total) {
            layers.set(event.id, { current: event.progressDetail.current ?? 0, total: event.progressDetail.total });
          } else if (event.id && /complete|already exists/i.test(event.status ?? '')) {
            const layer = layers.get(event.id);
            if (layer) layer.current = layer.total;
          }
          let currentBytes = 0;
          let totalBytes = 0;
          for (const layer of layers.values()) {
            currentBytes += layer.current;
            totalBytes += layer.total;
          }
          onProgress({ image, currentBytes, totalBytes, status: event.status ?? '' });
        },
      );
    });
  }

  private engine: Promise<{ memTotal?: number; cpus?: number }> | undefined;

  /** The engine's memory and CPUs, asked once: limits are derived from what its host really has. */
  private engineInfo(): Promise<{ memTotal?: number; cpus?: number }> {
    this.engine ??= this.docker.info().then(
      (info: { MemTotal?: number; NCPU?: number }) => ({ memTotal: info.MemTotal, cpus: info.NCPU }),
      (error: unknown) => {
        this.engine = undefined;
        throw error;
      },
    );
    return this.engine;
  }

  private async limits(request: LaunchRequest): Promise<{ memoryBytes?: number; cpus: number }> {
    const { memTotal, cpus } = await this.engineInfo();
    return {
      memoryBytes: this.memoryBytes ?? (memTotal ? Math.floor(memTotal * 0.9) : undefined),
      // A quota above what the host has is refused by the engine; the deployment then gets all of it.
      cpus: cpus ? Math.min(request.cpus, cpus) : request.cpus,
    };
  }

  /** Creates the container without starting it (exposed so its spec can be inspected in tests). */
  async createContainer(request: LaunchRequest): Promise<Dockerode.Container> {
    const runDir = await this.serverHost().prepare(serverName(request), request.apiKey);
    const { memoryBytes, cpus } = await this.limits(request);
    const spec = containerSpec({ ...request, cpus }, { ...this.options, user: this.user, memoryBytes }, { modelFile: request.modelFile, runDir });
    try {
      return await this.docker.createContainer(spec);
    } catch (error) {
      const status = statusOf(error);
      // Another attempt of the same generation won the race: use its container, never a second one.
      if (status === 409) return this.docker.getContainer(serverName(request));
      if (status === 404) throw new RuntimeUnavailableError(`image ${spec.Image} is not on the node`);
      throw new RuntimeUnavailableError(`Docker refused to create the container: ${engineMessage(error)}`);
    }
  }

  async start(request: LaunchRequest): Promise<ServerInfo> {
    const name = serverName(request);
    let existing = await this.inspect(name);
    if (existing && existing.state === 'exited') {
      // The caller decided to start this generation again: a dead container only holds its name.
      await this.remove(existing.handle);
      existing = undefined;
    }
    if (existing?.state === 'running') return existing;
    const container = existing ? this.docker.getContainer(existing.handle) : await this.createContainer(request);
    try {
      await ignoring([304], () => container.start());
    } catch (error) {
      const message = engineMessage(error);
      await this.remove(container.id).catch(() => undefined);
      throw new RuntimeUnavailableError(`Docker could not start the container: ${message}`);
    }
    const info = await this.inspect(container.id);
    if (!info) throw new RuntimeUnavailableError('the container disappeared right after it was started');
    try {
      await this.expose(info);
    } catch (error) {
      await this.remove(info.handle).catch(() => undefined);
      throw error;
    }
    return info;
  }

  async expose(server: ServerInfo): Promise<void> {
    if (this.options.networkMode !== 'none' || server.port === undefined || server.state !== 'running') return;
    await this.serverHost().expose(serverName(server), server.port);
  }

  async list(): Promise<ServerInfo[]> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${LABELS.managed}=true`, `${LABELS.nodeId}=${this.options.nodeId}`] },
    });
    return containers.flatMap((c) => {
      const identity = identityOf(c.Labels);
      if (!identity) return [];
      const exit = /Exited \((-?\d+)\)/.exec(c.Status ?? '');
      return [{ ...identity, handle: c.Id, state: stateOf(c.State), exitCode: exit ? Number(exit[1]) : undefined }];
    });
  }

  async inspect(handle: string): Promise<ServerInfo | undefined> {
    const data = await ignoring([404], () => withTimeout(this.docker.getContainer(handle).inspect(), this.callTimeoutMs, 'docker inspect'));
    if (!data) return undefined;
    const identity = identityOf(data.Config.Labels);
    if (!identity) return undefined;
    const state = stateOf(data.State.Status);
    return {
      ...identity,
      handle: data.Id,
      state,
      exitCode: state === 'exited' ? data.State.ExitCode : undefined,
      oomKilled: data.State.OOMKilled,
      startedAt: date(data.State.StartedAt),
      finishedAt: date(data.State.FinishedAt),
    };
  }

  async stop(handle: string, timeoutMs: number): Promise<void> {
    await ignoring([304, 404], () => this.docker.getContainer(handle).stop({ t: Math.max(1, Math.ceil(timeoutMs / 1000)) }));
  }

  async remove(handle: string): Promise<void> {
    const info = await this.inspect(handle);
    if (info?.port !== undefined) await this.host?.unexpose(serverName(info), info.port);
    // 409: a removal is already in progress, which is what we want anyway.
    await ignoring([404, 409], () => this.docker.getContainer(handle).remove({ force: true, v: true }));
    if (info) await this.host?.remove(serverName(info));
  }

  async tail(handle: string, lines: number): Promise<string[]> {
    const output = await ignoring([404], () =>
      this.docker.getContainer(handle).logs({ stdout: true, stderr: true, tail: lines, follow: false }),
    );
    if (!output) return [];
    const text = Buffer.isBuffer(output) ? demuxBuffer(output) : String(output);
    return text.split('\n').filter((line) => line.trim() !== '').slice(-lines);
  }

  followLogs(server: ServerInfo, options: FollowLogsOptions): LogFollower {
    const batcher = new LineBatcher(options.sink);
    const after = options.cursor ? timestampNs(options.cursor) : -1n;
    let stream: (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
    let stopped = false;
    let lastTimestamp = options.cursor;
    const done = (async () => {
      try {
        stream = (await this.docker.getContainer(server.handle).logs({
          follow: true,
          stdout: true,
          stderr: true,
          timestamps: true,
          since: after >= 0n ? Number(after / 1_000_000_000n) : 0,
        })) as NodeJS.ReadableStream;
      } catch (error) {
        if (statusOf(error) === 404) return;
        throw error;
      }
      if (stopped) stream.destroy?.();
      const demuxer = new Demuxer();
      const splitters: Record<StreamKind, LineSplitter> = { stdout: new LineSplitter(), stderr: new LineSplitter() };
      const deliver = (lines: string[]) => {
        const out: string[] = [];
        for (const line of lines) {
          const space = line.indexOf(' ');
          const ts = space > 0 ? line.slice(0, space) : '';
          if (after >= 0n && ts && timestampNs(ts) <= after) continue;
          if (ts) lastTimestamp = ts;
          out.push(space > 0 ? line.slice(space + 1) : line);
        }
        batcher.add(out);
      };
      await new Promise<void>((resolve) => {
        stream!.on('data', (chunk: Buffer) => {
          for (const frame of demuxer.push(chunk)) deliver(splitters[frame.stream].push(frame.text));
        });
        const end = () => {
          deliver([...splitters.stdout.flush(), ...splitters.stderr.flush()]);
          resolve();
        };
        stream!.once('end', end);
        stream!.once('close', end);
        stream!.once('error', end);
      });
    })()
      .catch(() => undefined)
      .then(async () => {
        await batcher.flush();
        if (lastTimestamp) options.onCursor?.(lastTimestamp);
      });
    // Report the cursor after each delivery too, so a worker that dies loses at most a batch.
    const tick = setInterval(() => {
      if (lastTimestamp) options.onCursor?.(lastTimestamp);
    }, 1_000);
    void done.finally(() => clearInterval(tick));
    return {
      done,
      stop: async () => {
        stopped = true;
        stream?.destroy?.();
        await done;
      },
    };
  }

  async purge(deploymentId: string): Promise<void> {
    // Containers are removed one by one and a container's logs go with it; only a directory whose container vanished unseen may be left.
    await this.host?.purge(deploymentId);
  }

  async portAvailable(port: number): Promise<boolean | undefined> {
    if (!isLocalEndpoint(this.options.endpoint.url)) return undefined;
    return portFree(this.options.bindHost, port);
  }

  watch(listener: (event: RuntimeEvent) => void): () => void {
    this.events.on('event', listener);
    if (!this.watching) {
      this.watching = true;
      void this.watchLoop();
    }
    return () => {
      this.events.off('event', listener);
      if (this.events.listenerCount('event') === 0) {
        this.watching = false;
        (this.eventStream as { destroy?: () => void } | undefined)?.destroy?.();
      }
    };
  }

  /** Follows the engine's `die` events for this node's containers, reconnecting with backoff. */
  private async watchLoop(): Promise<void> {
    for (let attempt = 1; this.watching; attempt++) {
      try {
        const stream = (await this.docker.getEvents({
          filters: { type: ['container'], event: ['die'], label: [`${LABELS.managed}=true`, `${LABELS.nodeId}=${this.options.nodeId}`] },
        })) as NodeJS.ReadableStream;
        this.eventStream = stream;
        if (!this.watching) (stream as { destroy?: () => void }).destroy?.();
        attempt = 0;
        const splitter = new LineSplitter();
        await new Promise<void>((resolve) => {
          stream.on('data', (chunk: Buffer) => {
            for (const line of splitter.push(chunk.toString('utf8'))) {
              try {
                const event = JSON.parse(line) as { Actor?: { Attributes?: Record<string, string> } };
                const identity = identityOf(event.Actor?.Attributes);
                if (identity) this.events.emit('event', { kind: 'exited', deploymentId: identity.deploymentId, generation: identity.generation });
              } catch {
                // Not an event line; ignore.
              }
            }
          });
          stream.once('end', () => resolve());
          stream.once('close', () => resolve());
          stream.once('error', () => resolve());
        });
      } catch {
        // Engine unreachable: retry below.
      }
      if (this.watching) await sleep(backoffDelay(Math.max(1, attempt), 500, 10_000));
    }
  }

  async close(): Promise<void> {
    // Servers keep running; their ports answer again once the next worker exposes them.
    await this.host?.close();
    this.watching = false;
    this.events.removeAllListeners();
    (this.eventStream as { destroy?: () => void } | undefined)?.destroy?.();
  }
}

function identityOf(labels: Record<string, string> | undefined): { deploymentId: string; generation: number; nodeId: string; port?: number } | undefined {
  if (!labels || labels[LABELS.managed] !== 'true') return undefined;
  const deploymentId = labels[LABELS.deploymentId];
  const generation = Number(labels[LABELS.generation]);
  const nodeId = labels[LABELS.nodeId];
  if (!deploymentId || !nodeId || !Number.isInteger(generation)) return undefined;
  const port = Number(labels[LABELS.port]);
  return { deploymentId, generation, nodeId, ...(Number.isInteger(port) && port > 0 ? { port } : {}) };
}

function pullError(image: string, message: string, status?: number): PullError {
  const permanent = status === 404 || /manifest unknown|not found|does not exist|pull access denied|unauthorized|invalid reference format|repository name must/i.test(message);
  return new PullError(`could not pull ${image}: ${message}`, permanent);
}
