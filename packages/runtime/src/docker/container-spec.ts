import { buildLlamaServerArgs } from '@gguf/core';
import type Dockerode from 'dockerode';
import { LABELS, type LaunchRequest, serverName } from '../types';

/** The llama.cpp project's server images: CUDA for deployments with GPUs, CPU otherwise. */
export const DEFAULT_IMAGES = {
  gpu: 'ghcr.io/ggml-org/llama.cpp:server-cuda',
  cpu: 'ghcr.io/ggml-org/llama.cpp:server',
} as const;

/** Where the node's model store appears inside every container. */
export const CONTAINER_MODELS_DIR = '/models';
/** llama-server's port inside the container in bridge mode (published on the allocated host port). */
export const BRIDGE_CONTAINER_PORT = 8080;

export interface ContainerSettings {
  images: { gpu: string; cpu: string };
  /** The node's model store, as a path on the engine's host; mounted at /models. */
  modelsDir: string;
  /** host: llama-server binds the allocated port on the host; bridge: it binds 8080 inside and Docker publishes the port. */
  networkMode: 'host' | 'bridge';
  /** Address the port is bound to on the host (llama-server's --host in host mode, the published address in bridge mode). */
  bindHost: string;
  /** Extra environment for llama-server (HF_TOKEN, pass-through variables). Never logged. */
  env: Record<string, string>;
  pidsLimit: number;
  /** Hard memory limit in bytes; swap is not allowed beyond it. */
  memoryBytes?: number;
}

export function imageFor(request: Pick<LaunchRequest, 'gpuIndices'>, settings: Pick<ContainerSettings, 'images'>): string {
  return request.gpuIndices.length > 0 ? settings.images.gpu : settings.images.cpu;
}

/**
 * The container for one deployment generation, as a pure function of the request so it can be
 * checked without an engine. Started exactly like the llama.cpp server image expects: its
 * entrypoint is llama-server and the command is llama-server's arguments.
 */
export function containerSpec(request: LaunchRequest, settings: ContainerSettings): Dockerode.ContainerCreateOptions {
  const bridge = settings.networkMode === 'bridge';
  // The launch request carries the deployment's settings under the names the arguments take.
  const args = buildLlamaServerArgs({
    ...request,
    modelsDir: CONTAINER_MODELS_DIR,
    host: bridge ? '0.0.0.0' : settings.bindHost,
    port: bridge ? BRIDGE_CONTAINER_PORT : request.port,
  });
  const env: Record<string, string> = {
    ...settings.env,
    // Downloads (--hf-repo, --model-url) land in the node's model store and are reused by every deployment.
    LLAMA_CACHE: `${CONTAINER_MODELS_DIR}/.cache/llama.cpp`,
    HF_HOME: `${CONTAINER_MODELS_DIR}/.cache/huggingface`,
    // The internal key only the gateway knows; in the environment, so it never shows in `docker inspect`'s Cmd or a process list.
    LLAMA_API_KEY: request.apiKey,
  };
  const containerPort = `${BRIDGE_CONTAINER_PORT}/tcp`;
  return {
    name: serverName(request),
    Image: imageFor(request, settings),
    Cmd: args,
    Env: Object.entries(env).map(([name, value]) => `${name}=${value}`),
    Labels: {
      [LABELS.managed]: 'true',
      [LABELS.deploymentId]: request.deploymentId,
      [LABELS.generation]: String(request.generation),
      [LABELS.nodeId]: request.nodeId,
      [LABELS.port]: String(request.port),
    },
    StopSignal: 'SIGTERM',
    ...(bridge ? { ExposedPorts: { [containerPort]: {} } } : {}),
    HostConfig: {
      NetworkMode: settings.networkMode,
      ...(bridge ? { PortBindings: { [containerPort]: [{ HostIp: settings.bindHost, HostPort: String(request.port) }] } } : {}),
      Binds: [`${settings.modelsDir}:${CONTAINER_MODELS_DIR}`],
      // Exactly the allocated GPUs, by index, through the NVIDIA container runtime.
      DeviceRequests:
        request.gpuIndices.length > 0
          ? [{ Driver: 'nvidia', Count: 0, DeviceIDs: request.gpuIndices.map(String), Capabilities: [['gpu']], Options: {} }]
          : [],
      Privileged: false,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      PidsLimit: settings.pidsLimit,
      ...(settings.memoryBytes ? { Memory: settings.memoryBytes, MemorySwap: settings.memoryBytes } : {}),
      // --mlock needs a memlock limit (a limit, not a capability); only asked for when the deployment uses it.
      ...(request.llamaArgs.mlock ? { Ulimits: [{ Name: 'memlock', Soft: -1, Hard: -1 }] } : {}),
      // Restarts are the worker's, with backoff and a crash-loop limit; Docker must not race it.
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
      LogConfig: { Type: 'json-file', Config: { 'max-size': '20m', 'max-file': '3' } },
    },
  };
}
