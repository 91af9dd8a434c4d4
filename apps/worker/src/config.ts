import { mkdirSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { GpuEntry } from '@gguf/core';
import {
  DEFAULT_DOCKER_ENDPOINT,
  DEFAULT_IMAGES,
  DockerRuntime,
  type DockerEndpoint,
  isLocalEndpoint,
  ProcessRuntime,
  resolveServerUser,
  type Runtime,
} from '@gguf/runtime';
import type { NodeSettings } from './context';
import { type Timing, timingFromEnv, type WorkerEnv } from './env';
import { HelperModelStore } from './models/helper-model-store';
import { ModelStore, type ModelStoreOptions } from './models/model-store';
import type { ModelStoreSettings, NodeModels } from './models/node-models';
import { detectNvidiaGpus, parseNodeGpus } from './node/gpus';
import { type NodeRegistration, withRegistration } from './node/registration';

export interface WorkerSetup {
  node: NodeSettings;
  timing: Timing;
  serversOnShutdown: 'keep' | 'stop';
  runtime: (nodeId: string) => Runtime;
  /** The node's models (on this machine, or on a remote engine's host through its helper), given how an organization's Hugging Face token is found. */
  models: (hfToken: ModelStoreOptions['hfToken']) => (runtime: Runtime) => NodeModels;
  /** What was decided and why (runtime choice, GPU source), for the startup log. */
  notes: string[];
  /** What an operator must know: this node does not isolate tenants (the process runtime, a host or bridge network). */
  warnings: string[];
}

export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\.\d+\.\d+\.\d+$/.test(address);
}

/** The node this worker serves: NODE_NAME, else the host name. */
export function nodeName(env: WorkerEnv): string {
  return env.NODE_NAME ?? hostname();
}

/**
 * Everything the environment decides: which runtime (RUNTIME=auto picks Docker when an engine
 * answers), the node's GPUs (NODE_GPUS, else nvidia-smi), where models and state live, and the
 * environment llama-server gets (HF_TOKEN and SERVER_ENV_PASSTHROUGH only; the worker's own
 * secrets such as DATABASE_URL never reach it). An admin's registration of this node fills in what the
 * environment leaves unset (see withRegistration).
 */
export async function setupFromEnv(givenEnv: WorkerEnv, source: NodeJS.ProcessEnv = process.env, registration?: NodeRegistration): Promise<WorkerSetup> {
  const registered = withRegistration(givenEnv, source, registration);
  const env = registered.env;
  const notes: string[] = [...registered.notes];
  const warnings: string[] = [];
  const dataDir = resolve(env.DATA_DIR);
  const modelsDir = resolve(env.MODELS_DIR ?? join(dataDir, 'models'));
  const stateDir = resolve(env.WORKER_STATE_DIR ?? join(dataDir, 'worker'));
  const endpoint: DockerEndpoint = {
    url: env.DOCKER_HOST ?? DEFAULT_DOCKER_ENDPOINT,
    tlsVerify: env.DOCKER_TLS_VERIFY,
    tlsCertPath: env.DOCKER_CERT_PATH,
    tls: registered.dockerTls,
    sshKeyPath: env.DOCKER_SSH_KEY,
  };

  const bindHost = env.SERVER_BIND_HOST ?? (isLoopback(env.NODE_ADDRESS) ? '127.0.0.1' : '0.0.0.0');
  const serverEnv: Record<string, string> = {};
  for (const name of env.SERVER_ENV_PASSTHROUGH) if (source[name] !== undefined) serverEnv[name] = source[name]!;
  const serverUser = resolveServerUser(env.SERVER_USER);

  let runtimeKind: 'docker' | 'process';
  if (env.RUNTIME === 'auto') {
    const probe = new DockerRuntime({ ...dockerSettings(), nodeId: 'probe', callTimeoutMs: 3_000 });
    try {
      await probe.ping();
      runtimeKind = 'docker';
      notes.push(`RUNTIME=auto: the Docker engine at ${endpoint.url} answers, using docker`);
    } catch (error) {
      runtimeKind = 'process';
      warnings.push(`RUNTIME=auto: no Docker engine answers at ${endpoint.url} (${(error as Error).message}); falling back to the process runtime`);
    } finally {
      await probe.close();
    }
  } else {
    runtimeKind = env.RUNTIME;
  }

  let gpus: GpuEntry[];
  if (registered.gpus) {
    gpus = registered.gpus;
  } else if (env.NODE_GPUS !== undefined) {
    gpus = parseNodeGpus(env.NODE_GPUS);
    notes.push(`NODE_GPUS declares ${gpus.length} GPU(s)`);
  } else {
    const detected = await detectNvidiaGpus();
    gpus = detected.gpus;
    notes.push(detected.note);
  }

  function dockerSettings() {
    return {
      endpoint,
      images: { gpu: env.LLAMA_SERVER_IMAGE ?? DEFAULT_IMAGES.gpu, cpu: env.LLAMA_SERVER_CPU_IMAGE ?? env.LLAMA_SERVER_IMAGE ?? DEFAULT_IMAGES.cpu },
      networkMode: env.NODE_NETWORK_MODE,
      bindHost,
      env: serverEnv,
      serversDir: join(stateDir, 'run'),
      serverUser,
      // Paths on a remote engine's host: the helper works there (never used for a local engine).
      helper: { image: env.NODE_HELPER_IMAGE, binds: [modelsDir, stateDir] },
      pidsLimit: env.CONTAINER_PIDS_LIMIT,
      memoryBytes: env.CONTAINER_MEMORY_MB ? env.CONTAINER_MEMORY_MB * 1024 * 1024 : undefined,
    };
  }

  // The model store must exist before it is mounted or written to (for a remote engine it is a path on that host).
  if (runtimeKind === 'process' || isLocalEndpoint(endpoint.url)) mkdirSync(join(modelsDir, 'library'), { recursive: true });
  if (runtimeKind === 'process') {
    warnings.push('the process runtime does not isolate tenants: servers share this machine\'s network and file system (use RUNTIME=docker for tenants you do not trust)');
  } else if (env.NODE_NETWORK_MODE !== 'none') {
    warnings.push(`NODE_NETWORK_MODE=${env.NODE_NETWORK_MODE}: servers can reach networks from this node (none contains a hostile model; see docs/security.md)`);
  }

  return {
    node: {
      name: nodeName(env),
      address: env.NODE_ADDRESS,
      networkMode: env.NODE_NETWORK_MODE,
      portRange: env.NODE_PORT_RANGE,
      cpuSlots: env.NODE_CPU_SLOTS,
      gpus,
      cpuCores: availableParallelism(),
      runtimeKind,
      dockerEndpoint: runtimeKind === 'docker' ? endpoint.url : undefined,
    },
    timing: timingFromEnv(env),
    // Process installs are single boxes: stopping the product stops llama-server. Containers outlive their worker.
    serversOnShutdown: env.SERVERS_ON_SHUTDOWN ?? (runtimeKind === 'process' ? 'stop' : 'keep'),
    notes,
    warnings,
    runtime: (nodeId) =>
      runtimeKind === 'docker'
        ? new DockerRuntime({ ...dockerSettings(), nodeId })
        : new ProcessRuntime({ nodeId, binary: env.LLAMA_SERVER_BIN, stateDir, bindHost, env: serverEnv, serverUser }),
    models: (hfToken) => (runtime) => {
      const settings: ModelStoreSettings = {
        modelsDir,
        checksumsDir: join(stateDir, 'checksums'),
        hfEndpoint: env.HF_ENDPOINT,
        allowedHosts: source.MODEL_URL_ALLOWED_HOSTS ?? '',
        maxBytes: env.MODEL_MAX_BYTES,
      };
      return runtime instanceof DockerRuntime && runtime.helper
        ? new HelperModelStore(runtime.helper, settings, hfToken)
        : new ModelStore({ ...settings, allow: env.MODEL_URL_ALLOWED_HOSTS, hfToken });
    },
  };
}
