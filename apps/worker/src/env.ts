import { allowedHostsField, booleanFlag, commonEnv, durationMs, httpsUrl, port, positiveInt } from '@gguf/core';
import { z } from 'zod';

/** The worker's environment, parsed at boot (main.ts); README lists every variable. */

const portRange = z
  .string()
  .regex(/^\d{1,5}-\d{1,5}$/, 'must be a range like 20000-20999')
  .transform((value) => value.split('-').map(Number) as [number, number])
  .refine(([start, end]) => start >= 1 && end <= 65535 && start <= end, 'must be a range of ports, low-high, within 1-65535');

const csvList = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

/** How fast the worker acts: loops, timeouts, restart backoff, job handling. */
const timingEnv = z.object({
  // How often desired state is compared with what runs (cluster and node reconcile loops).
  RECONCILE_INTERVAL_MS: durationMs.default(5_000),
  // How often this node reports that it is alive.
  HEARTBEAT_INTERVAL_MS: durationMs.default(5_000),
  // A node silent for this long is marked unreachable and its deployments are placed elsewhere.
  NODE_STALE_AFTER_MS: durationMs.default(30_000),
  // How long a server may take to answer /health with 200 (downloads included) before the deployment fails.
  SERVER_READY_TIMEOUT_MS: durationMs.default(30 * 60_000),
  // Grace period between SIGTERM and SIGKILL when a server is stopped.
  SERVER_STOP_TIMEOUT_MS: durationMs.default(10_000),
  // First delay before restarting a crashed server; doubles per consecutive crash (with jitter) up to the maximum.
  RESTART_BACKOFF_MS: durationMs.default(2_000),
  RESTART_BACKOFF_MAX_MS: durationMs.default(120_000),
  // Consecutive crashes after which a deployment is failed instead of restarted.
  CRASH_LOOP_LIMIT: positiveInt.default(5),
  // A server that ran this long before crashing starts a fresh crash count.
  CRASH_RESET_AFTER_MS: durationMs.default(10 * 60_000),
  // Deployment jobs this worker runs at once.
  JOB_CONCURRENCY: positiveInt.default(8),
  // Lock on a running job; when a worker dies, its jobs are taken over after about this long.
  JOB_LOCK_MS: positiveInt.default(30_000),
});

export const workerEnv = commonEnv.extend({
  // Port of the worker's own health and metrics endpoint.
  WORKER_PORT: port.default(3002),
  // Interface to bind for that endpoint.
  HOST: z.string().default('0.0.0.0'),
  // Where local state lives when MODELS_DIR / WORKER_STATE_DIR are not given (npm start passes its .data directory).
  DATA_DIR: z.string().default('.data'),

  // --- This node -------------------------------------------------------------------------------
  // How llama-server runs here: docker (sealed containers; the default), process (plain processes on this
  // machine, which do not isolate tenants: single-machine trials), or auto (docker when an engine answers,
  // else process, saying so loudly; what `npm start` uses).
  RUNTIME: z.enum(['auto', 'docker', 'process']).default('docker'),
  // Unique name of this node; the worker registers (or updates) the node of that name. Defaults to the host name.
  NODE_NAME: z.string().min(1).max(100).optional(),
  // Address gateways dial to reach servers on this node (upstream URLs are http://NODE_ADDRESS:port).
  NODE_ADDRESS: z.string().min(1).default('127.0.0.1'),
  // Ports handed to llama-server on this node, low-high inclusive.
  NODE_PORT_RANGE: portRange.default([20000, 20999]),
  // How many CPU-only deployments (gpu.count 0) this node accepts.
  NODE_CPU_SLOTS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'cannot be negative').default(4),
  // GPUs of this node when nvidia-smi cannot tell (remote engines, tests): "index:name:memoryMb" comma-separated,
  // e.g. "0:NVIDIA L4:23034,1:NVIDIA L4:23034"; "none" declares a node without GPUs. Unset: ask nvidia-smi.
  NODE_GPUS: z.string().optional(),
  // Docker networking for servers: none (no network at all; llama-server listens on a Unix socket and the worker
  // serves its port; the default and the only mode that contains a hostile model), host (llama-server binds the
  // port on the host) or bridge (Docker publishes it). host and bridge let a server reach networks: weaker.
  NODE_NETWORK_MODE: z.enum(['none', 'host', 'bridge']).default('none'),
  // Address llama-server's port is bound to; defaults to 127.0.0.1 when NODE_ADDRESS is loopback, else 0.0.0.0.
  SERVER_BIND_HOST: z.string().optional(),

  // --- Runtimes --------------------------------------------------------------------------------
  // Docker engine: unix:///var/run/docker.sock (default), tcp://host:2376 (with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH) or ssh://user@host.
  DOCKER_HOST: z.string().optional(),
  // Use TLS and verify the engine's certificate (tcp:// endpoints).
  DOCKER_TLS_VERIFY: booleanFlag.optional(),
  // Directory with ca.pem, cert.pem and key.pem for a TLS engine.
  DOCKER_CERT_PATH: z.string().optional(),
  // Private key for ssh:// engines; the SSH agent (SSH_AUTH_SOCK) is used when unset.
  DOCKER_SSH_KEY: z.string().optional(),
  // llama-server image for every deployment; default: the llama.cpp CUDA server image for GPU deployments, its CPU image otherwise.
  LLAMA_SERVER_IMAGE: z.string().optional(),
  // Image for CPU-only deployments when it should differ from LLAMA_SERVER_IMAGE.
  LLAMA_SERVER_CPU_IMAGE: z.string().optional(),
  // Process runtime: the llama-server executable; `llama-server` on PATH when unset.
  LLAMA_SERVER_BIN: z.string().optional(),
  // The node's model store. MODELS_DIR/library holds the admin-curated models `local` deployments name;
  // MODELS_DIR/orgs/<organization> the worker's downloads for each organization. Default DATA_DIR/models.
  MODELS_DIR: z.string().optional(),
  // Worker state on the node: servers' own directories (key files, sockets), process runtime state files and logs.
  // Servers' Unix sockets live here, so keep the path short. Default DATA_DIR/worker.
  WORKER_STATE_DIR: z.string().optional(),
  // The user llama-server runs as when the worker is root: a name from /etc/passwd or uid[:gid]. Never root.
  SERVER_USER: z.string().min(1).default('nobody'),
  // Hugging Face hub the worker downloads `huggingface` models from ({HF_ENDPOINT}/{repo}/resolve/{revision}/{file}).
  HF_ENDPOINT: httpsUrl.default('https://huggingface.co'),
  // The platform's Hugging Face token, used only for organizations an admin allowed to use it; never logged,
  // never given to llama-server. Organizations can store a token of their own instead.
  HF_TOKEN: z.string().optional(),
  // Image of the node helper, which works on a remote engine's host for the worker (downloads, servers' directories,
  // serving sealed servers' ports): the worker's own image. Load it on every remote engine (or let the engine pull it).
  NODE_HELPER_IMAGE: z.string().min(1).default('gguf-cloud-worker:latest'),
  // Largest model file the worker downloads, in bytes (default 256 GiB).
  MODEL_MAX_BYTES: positiveInt.default(256 * 1024 ** 3),
  // Host names and CIDRs model downloads may reach although they are not public (an internal mirror), comma-separated.
  MODEL_URL_ALLOWED_HOSTS: allowedHostsField,
  // Names of this worker's environment variables to pass to llama-server as they are (e.g. GGML_CUDA_ENABLE_UNIFIED_MEMORY).
  // Never secrets (a container's environment shows in `docker inspect`) and never LLAMA_ARG_*, which would set options past the allowlist.
  SERVER_ENV_PASSTHROUGH: csvList
    .refine((names) => !names.some((name) => /^LLAMA_ARG_/i.test(name) || /^LLAMA_API_KEY$/i.test(name)), 'must not name LLAMA_ARG_* or LLAMA_API_KEY variables: llama-server options are the platform\'s')
    .default([]),
  // On a graceful stop: keep llama-server running for the next worker to adopt, or stop it with the worker.
  // Default: stop for the process runtime (single-box installs), keep for Docker.
  SERVERS_ON_SHUTDOWN: z.enum(['keep', 'stop']).optional(),
  // Per-container limits (docker runtime): max processes, and memory in MiB (default: 90% of the engine's memory).
  CONTAINER_PIDS_LIMIT: positiveInt.default(4096),
  CONTAINER_MEMORY_MB: positiveInt.optional(),
}).extend(timingEnv.shape);

export type WorkerEnv = z.infer<typeof workerEnv>;

/** The timing the worker runs with, from its parsed environment: the one place each setting gets its name and default. */
export function timingFromEnv(env: z.infer<typeof timingEnv>) {
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

export type Timing = ReturnType<typeof timingFromEnv>;

/** The defaults, for a worker started without an environment of its own (tests). */
export const DEFAULT_TIMING: Timing = timingFromEnv(timingEnv.parse({}));
