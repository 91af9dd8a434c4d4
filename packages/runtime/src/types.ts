import type { LlamaArgs } from '@gguf/core';

/**
 * One interface over the places llama-server can run: Docker containers (local or remote engine)
 * and plain processes. The worker never touches dockerode or child_process directly; everything it
 * needs to bring a deployment up, watch it and tear it down is here.
 *
 * Servers are identified by what they carry (deployment id, generation, node id: container labels
 * or the process runtime's state files), not by what the worker remembers, so a worker that
 * restarts finds every server it or its predecessor started.
 */

export type RuntimeKind = 'docker' | 'process';

/** How a Docker server reaches the world: not at all (a Unix socket the node serves), the host's network, or a bridge. */
export type NetworkMode = 'none' | 'host' | 'bridge';

/** What identifies a server on a node. */
export interface ServerIdentity {
  deploymentId: string;
  /** The `servers` row it runs for: one deployment may have several servers, on this node or others. */
  serverId: string;
  /** The deployment generation the server was started for; a newer generation replaces it. */
  generation: number;
  nodeId: string;
}

/** Everything a runtime needs to start llama-server for one deployment. */
export interface LaunchRequest extends ServerIdentity {
  /**
   * The model file on the node (for Docker, a path on the engine's host), already resolved inside
   * the library or the organization's download cache and checked by the worker.
   */
  modelFile: string;
  contextSize: number;
  parallel: number;
  embeddings: boolean;
  llamaArgs: LlamaArgs;
  /** Name /v1/models reports. */
  alias: string;
  /** Port on the node the gateway dials. */
  port: number;
  /** GPU indices (as the node's driver numbers them) allocated to this deployment; empty for CPU-only. */
  gpuIndices: number[];
  /** The per-deployment secret llama-server demands as its API key; only the gateway knows it. */
  apiKey: string;
  /** CPU cores the server may use (a CPU quota for containers). */
  cpus: number;
}

/**
 * `created`: exists but was never started (a worker died between create and start);
 * `running`: the process is alive (not necessarily ready: readiness is /health's business);
 * `exited`: it ran and stopped, for whatever reason.
 */
export type ServerState = 'created' | 'running' | 'exited';

export interface ServerInfo extends ServerIdentity {
  /** Container id, or the process runtime's state-file name. */
  handle: string;
  state: ServerState;
  port?: number;
  /** Process runtime: the server's pid. */
  pid?: number;
  /** Exit code when known (a process started by an earlier worker exits unobserved). */
  exitCode?: number | null;
  /** The kernel killed it for exceeding its memory limit (Docker reports this). */
  oomKilled?: boolean;
  startedAt?: Date;
  finishedAt?: Date;
}

export interface PullProgress {
  image: string;
  /** Bytes downloaded so far and in total, over the layers known so far. */
  currentBytes: number;
  totalBytes: number;
  /** The engine's last status line, e.g. "Downloading" or "Pull complete". */
  status: string;
}

/** Receives batches of llama-server output lines, oldest first. */
export type LogSink = (lines: string[]) => void | Promise<void>;

export interface LogFollower {
  /** Stops following; lines already read are still delivered. */
  stop(): Promise<void>;
  /** Resolves when the server's output ended (the server exited) or the follower was stopped. */
  readonly done: Promise<void>;
}

/** Where a follower resumes, so lines are neither lost nor shipped twice across worker restarts. */
export type LogCursor = string;

export interface FollowLogsOptions {
  sink: LogSink;
  /** Resume after this cursor; from the beginning of the server's output when absent. */
  cursor?: LogCursor;
  /** Called with the cursor of the last delivered line, after each batch. */
  onCursor?: (cursor: LogCursor) => void;
}

/** Something the runtime noticed without being asked: a server exited. Lets the worker react at once instead of at the next reconcile tick. */
export interface RuntimeEvent {
  kind: 'exited';
  deploymentId: string;
  serverId: string;
  generation: number;
}

export interface Runtime {
  readonly kind: RuntimeKind;
  /** Human-readable description for logs and the node record (an endpoint, a binary path). */
  readonly description: string;
  /** Resolves when the runtime can start servers; rejects with the reason otherwise. */
  ping(): Promise<void>;
  /** The image a deployment needs and whether it must be pulled first; undefined for runtimes without images. */
  missingImage(request: Pick<LaunchRequest, 'gpuIndices'>): Promise<string | undefined>;
  /** Pulls an image, reporting progress. Rejects with PullError when the registry refuses it. */
  pull(image: string, onProgress: (progress: PullProgress) => void, signal?: AbortSignal): Promise<void>;
  /**
   * Starts the server for `request`. Idempotent per deployment and generation: when a server of
   * that generation already exists (created or running) it is reused, never duplicated.
   */
  start(request: LaunchRequest): Promise<ServerInfo>;
  /** Servers of this runtime's node, in any state. */
  list(): Promise<ServerInfo[]>;
  inspect(handle: string): Promise<ServerInfo | undefined>;
  /**
   * Makes a running server answer on its node port (idempotent). Servers without a network of their
   * own are served through their Unix socket; for the others it is a no-op. Called after a start
   * and for every running server a worker finds, so servers adopted from a predecessor answer too.
   */
  expose(server: ServerInfo): Promise<void>;
  /** Stops gracefully (SIGTERM), killing after `timeoutMs`. A server already gone is not an error. */
  stop(handle: string, timeoutMs: number): Promise<void>;
  /** Removes a stopped server and what it leaves on the node (container, state file). Missing is not an error. */
  remove(handle: string): Promise<void>;
  /** The last `lines` lines of a server's output. */
  tail(handle: string, lines: number): Promise<string[]>;
  followLogs(server: ServerInfo, options: FollowLogsOptions): LogFollower;
  /** Forgets everything kept on the node for a deployment (log files); called when it is deleted. */
  purge(deploymentId: string): Promise<void>;
  /** Whether `port` can be bound on the node; undefined when the runtime cannot tell (a remote engine). */
  portAvailable(port: number): Promise<boolean | undefined>;
  /** Subscribes to server exits; returns an unsubscribe function. */
  watch(listener: (event: RuntimeEvent) => void): () => void;
  close(): Promise<void>;
}

/** The registry refused an image (unknown, private, malformed): retrying will not help. */
export class PullError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'PullError';
  }
}

/** The runtime cannot start anything at all (no llama-server binary, engine refuses the spec). */
export class RuntimeUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeUnavailableError';
  }
}

/** Labels every container carries; also the keys of the process runtime's state files. */
export const LABELS = {
  managed: 'cloud.gguf.managed',
  deploymentId: 'cloud.gguf.deployment-id',
  serverId: 'cloud.gguf.server-id',
  generation: 'cloud.gguf.generation',
  nodeId: 'cloud.gguf.node-id',
  port: 'cloud.gguf.port',
} as const;

/**
 * Deterministic server name: a second start of the same generation collides instead of duplicating.
 * It starts with the deployment's id (without its `dep_`), so everything of a deployment is found by
 * prefix, then the last 6 characters of the server id (random: two servers of one deployment share
 * them about once in a billion pairs). It names the server's directory too, whose Unix socket path
 * must stay within 107 bytes: `gguf-<26>-<6>-g<generation>` is only 3 characters longer than names
 * were before deployments had several servers.
 */
export function serverName(identity: Pick<ServerIdentity, 'deploymentId' | 'serverId' | 'generation'>): string {
  return `${deploymentPrefix(identity.deploymentId)}${identity.serverId.slice(-6)}-g${identity.generation}`;
}

/** What every server name of a deployment starts with. */
export function deploymentPrefix(deploymentId: string): string {
  return `gguf-${deploymentId.slice(deploymentId.indexOf('_') + 1)}-`;
}

/**
 * The server id of a process that carries none: one started before deployments had servers of their
 * own. The migration that created the `servers` table gave each placed deployment's server exactly this
 * id, so the new worker adopts such a process instead of leaving it unmanaged.
 */
export function legacyServerId(deploymentId: string): string {
  return `srv_${deploymentId.slice(deploymentId.indexOf('_') + 1)}`;
}
