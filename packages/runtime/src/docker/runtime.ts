import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, describeError } from '@gguf/core';
import type Dockerode from 'dockerode';
import { LineSplitter } from '../lines';
import { portFree } from '../ports';
import type { ServerUser } from '../server-dir';
import {
  type FollowLogsOptions,
  LABELS,
  type LaunchRequest,
  type LogFollower,
  type PullProgress,
  type Runtime,
  type RuntimeEvent,
  RuntimeUnavailableError,
  type ServerInfo,
  type ServerState,
  legacyServerId,
  serverName,
} from '../types';
import { connectDocker, type DockerEndpoint, isLocalEndpoint } from './connect';
import { engineMessage, ignoring, statusOf, withTimeout } from './engine-calls';
import { followContainerLogs } from './follow-logs';
import { pullImage } from './pull-image';
import { type ContainerSettings, containerSpec, imageFor } from './container-spec';
import { NodeHelper } from './node-helper';
import { HelperServerHost, LocalServerHost, type ServerHost } from './server-host';
import { demuxBuffer } from './demux';

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

  pull(image: string, onProgress: (progress: PullProgress) => void, signal?: AbortSignal): Promise<void> {
    return pullImage(this.docker, image, onProgress, signal);
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
    return followContainerLogs(this.docker, server, options);
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
                if (identity) this.events.emit('event', { kind: 'exited', deploymentId: identity.deploymentId, serverId: identity.serverId, generation: identity.generation });
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

function identityOf(labels: Record<string, string> | undefined): { deploymentId: string; serverId: string; generation: number; nodeId: string; port?: number } | undefined {
  if (!labels || labels[LABELS.managed] !== 'true') return undefined;
  const deploymentId = labels[LABELS.deploymentId];
  const generation = Number(labels[LABELS.generation]);
  const nodeId = labels[LABELS.nodeId];
  if (!deploymentId || !nodeId || !Number.isInteger(generation)) return undefined;
  const serverId = labels[LABELS.serverId] ?? legacyServerId(deploymentId);
  const port = Number(labels[LABELS.port]);
  return { deploymentId, serverId, generation, nodeId, ...(Number.isInteger(port) && port > 0 ? { port } : {}) };
}

