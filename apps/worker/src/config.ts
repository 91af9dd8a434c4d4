import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { GpuEntry, WorkerEnv } from '@gguf/core';
import {
  DEFAULT_DOCKER_ENDPOINT,
  DEFAULT_IMAGES,
  DockerRuntime,
  type DockerEndpoint,
  isLocalEndpoint,
  ProcessRuntime,
  type Runtime,
} from '@gguf/runtime';
import type { NodeSettings, Timing } from './context';
import { detectNvidiaGpus, parseNodeGpus } from './node/gpus';
import { type NodeRegistration, withRegistration } from './node/registration';

export interface WorkerSetup {
  node: NodeSettings;
  timing: Timing;
  serversOnShutdown: 'keep' | 'stop';
  runtime: (nodeId: string) => Runtime;
  /** What was decided and why (runtime choice, GPU source), for the startup log. */
  notes: string[];
}

export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\.\d+\.\d+\.\d+$/.test(address);
}

/** The node this worker serves: NODE_NAME, else the host name. */
export function nodeName(env: WorkerEnv): string {
  return env.NODE_NAME ?? hostname();
}

export function timingFromEnv(env: WorkerEnv): Timing {
  return {
    reconcileIntervalMs: env.RECONCILE_INTERVAL_MS,
    heartbeatIntervalMs: env.HEARTBEAT_INTERVAL_MS,
    nodeStaleAfterMs: env.NODE_STALE_AFTER_MS,
    readyTimeoutMs: env.SERVER_READY_TIMEOUT_MS,
    stopTimeoutMs: env.SERVER_STOP_TIMEOUT_MS,
    restartBackoffMs: env.RESTART_BACKOFF_MS,
    restartBackoffMaxMs: env.RESTART_BACKOFF_MAX_MS,
    crashLoopLimit: env.CRASH_LOOP_LIMIT,
    crashResetAfterMs: env.CRASH_RESET_AFTER_MS,
    jobLockMs: env.JOB_LOCK_MS,
    jobConcurrency: env.JOB_CONCURRENCY,
  };
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
  if (env.HF_TOKEN) serverEnv.HF_TOKEN = env.HF_TOKEN;

  let runtimeKind: 'docker' | 'process';
  if (env.RUNTIME === 'auto') {
    const probe = new DockerRuntime({ ...dockerSettings(), nodeId: 'probe', callTimeoutMs: 3_000 });
    try {
      await probe.ping();
      runtimeKind = 'docker';
      notes.push(`RUNTIME=auto: the Docker engine at ${endpoint.url} answers, using docker`);
    } catch (error) {
      runtimeKind = 'process';
      notes.push(`RUNTIME=auto: no Docker engine answers at ${endpoint.url} (${(error as Error).message}); using process`);
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
      modelsDir,
      networkMode: env.NODE_NETWORK_MODE,
      bindHost,
      env: serverEnv,
      pidsLimit: env.CONTAINER_PIDS_LIMIT,
      memoryBytes: env.CONTAINER_MEMORY_MB ? env.CONTAINER_MEMORY_MB * 1024 * 1024 : undefined,
    };
  }

  // The model store must exist before it is mounted or written to (for a remote engine it is a path on that host).
  if (runtimeKind === 'process' || isLocalEndpoint(endpoint.url)) mkdirSync(modelsDir, { recursive: true });

  return {
    node: {
      name: nodeName(env),
      address: env.NODE_ADDRESS,
      networkMode: env.NODE_NETWORK_MODE,
      portRange: env.NODE_PORT_RANGE,
      cpuSlots: env.NODE_CPU_SLOTS,
      gpus,
      runtimeKind,
      dockerEndpoint: runtimeKind === 'docker' ? endpoint.url : undefined,
    },
    timing: timingFromEnv(env),
    // Process installs are single boxes: stopping the product stops llama-server. Containers outlive their worker.
    serversOnShutdown: env.SERVERS_ON_SHUTDOWN ?? (runtimeKind === 'process' ? 'stop' : 'keep'),
    notes,
    runtime: (nodeId) =>
      runtimeKind === 'docker'
        ? new DockerRuntime({ ...dockerSettings(), nodeId })
        : new ProcessRuntime({ nodeId, binary: env.LLAMA_SERVER_BIN, stateDir, modelsDir, bindHost, env: serverEnv }),
  };
}
