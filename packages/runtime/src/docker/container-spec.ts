import { basename } from 'node:path';
import { buildLlamaServerArgs } from '@gguf/core';
import type Dockerode from 'dockerode';
import { SERVER_FILES } from '../server-dir';
import { LABELS, type LaunchRequest, type NetworkMode, serverName } from '../types';

/** The llama.cpp project's server images: CUDA for deployments with GPUs, CPU otherwise. */
export const DEFAULT_IMAGES = {
  gpu: 'ghcr.io/ggml-org/llama.cpp:server-cuda',
  cpu: 'ghcr.io/ggml-org/llama.cpp:server',
} as const;

/** Where the server's own directory (its socket, its key file) appears inside the container. */
export const CONTAINER_RUN_DIR = '/run/llama';
/** Where the one model file appears inside the container. */
export const CONTAINER_MODELS_DIR = '/models';
/** llama-server's port inside the container in bridge mode (published on the allocated host port). */
export const BRIDGE_CONTAINER_PORT = 8080;
/** The only writable place in the container's file system: llama-server writes nothing, but libraries may want a /tmp. */
const TMPFS = { '/tmp': 'rw,noexec,nosuid,nodev,size=64m' };

export interface ContainerSettings {
  images: { gpu: string; cpu: string };
  /**
   * none (default): no network at all; llama-server listens on a Unix socket in its directory and
   * the node serves the port. host: llama-server binds the port on the host. bridge: it binds 8080
   * inside and Docker publishes the port. host and bridge let a compromised server reach networks.
   */
  networkMode: NetworkMode;
  /** Address the port is bound to on the host (llama-server's --host in host mode, the published address in bridge mode). */
  bindHost: string;
  /** `uid:gid` the server runs as; never root. */
  user: string;
  /** Pass-through environment for llama-server (SERVER_ENV_PASSTHROUGH). Never a secret: `docker inspect` shows it. */
  env: Record<string, string>;
  pidsLimit: number;
  /** Hard memory limit in bytes; swap is not allowed beyond it. */
  memoryBytes?: number;
}

/** Where one server's files are, as paths on the engine's host. */
export interface ServerMounts {
  /** The model file, mounted read-only. */
  modelFile: string;
  /** The server's own directory (key file, socket), mounted at CONTAINER_RUN_DIR. */
  runDir: string;
}

export function imageFor(request: Pick<LaunchRequest, 'gpuIndices'>, settings: Pick<ContainerSettings, 'images'>): string {
  return request.gpuIndices.length > 0 ? settings.images.gpu : settings.images.cpu;
}

/**
 * The container for one deployment generation, as a pure function of the request so it can be
 * checked without an engine. Sealed by default: a non-root user without capabilities or a way to
 * gain privileges, a read-only root file system, no network, the model file read-only and nothing
 * else of the node's disks but the server's own directory, and limits on processes, memory and CPU.
 * Started exactly like the llama.cpp server image expects: its entrypoint is llama-server and the
 * command is llama-server's arguments.
 */
export function containerSpec(request: LaunchRequest, settings: ContainerSettings, mounts: ServerMounts): Dockerode.ContainerCreateOptions {
  const mode = settings.networkMode;
  const modelPath = `${CONTAINER_MODELS_DIR}/${basename(mounts.modelFile)}`;
  const args = buildLlamaServerArgs({
    ...request,
    modelPath,
    apiKeyFile: `${CONTAINER_RUN_DIR}/${SERVER_FILES.apiKey}`,
    listen:
      mode === 'none'
        ? { socket: `${CONTAINER_RUN_DIR}/${SERVER_FILES.socket}` }
        : { host: mode === 'bridge' ? '0.0.0.0' : settings.bindHost, port: mode === 'bridge' ? BRIDGE_CONTAINER_PORT : request.port },
  });
  const containerPort = `${BRIDGE_CONTAINER_PORT}/tcp`;
  return {
    name: serverName(request),
    Image: imageFor(request, settings),
    Cmd: args,
    User: settings.user,
    Env: Object.entries(settings.env).map(([name, value]) => `${name}=${value}`),
    Labels: {
      [LABELS.managed]: 'true',
      [LABELS.deploymentId]: request.deploymentId,
      [LABELS.serverId]: request.serverId,
      [LABELS.generation]: String(request.generation),
      [LABELS.nodeId]: request.nodeId,
      [LABELS.port]: String(request.port),
    },
    StopSignal: 'SIGTERM',
    ...(mode === 'bridge' ? { ExposedPorts: { [containerPort]: {} } } : {}),
    HostConfig: {
      NetworkMode: mode,
      ...(mode === 'bridge' ? { PortBindings: { [containerPort]: [{ HostIp: settings.bindHost, HostPort: String(request.port) }] } } : {}),
      Binds: [`${mounts.modelFile}:${modelPath}:ro`, `${mounts.runDir}:${CONTAINER_RUN_DIR}:rw`],
      ReadonlyRootfs: true,
      Tmpfs: TMPFS,
      // Exactly the allocated GPUs, by index, through the NVIDIA container runtime.
      DeviceRequests:
        request.gpuIndices.length > 0
          ? [{ Driver: 'nvidia', Count: 0, DeviceIDs: request.gpuIndices.map(String), Capabilities: [['gpu']], Options: {} }]
          : [],
      Privileged: false,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      PidsLimit: settings.pidsLimit,
      NanoCpus: Math.round(request.cpus * 1e9),
      ...(settings.memoryBytes ? { Memory: settings.memoryBytes, MemorySwap: settings.memoryBytes } : {}),
      // --mlock needs a memlock limit (a limit, not a capability); only asked for when the deployment uses it.
      ...(request.llamaArgs.mlock ? { Ulimits: [{ Name: 'memlock', Soft: -1, Hard: -1 }] } : {}),
      // Restarts are the worker's, with backoff and a crash-loop limit; Docker must not race it.
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
      LogConfig: { Type: 'json-file', Config: { 'max-size': '20m', 'max-file': '3' } },
    },
  };
}
