import type { GpuEntry, Logger, SecretBox } from '@gguf/core';
import type { Database } from '@gguf/db';
import type { Redis } from '@gguf/redis';
import type { Queue } from 'bullmq';
import type { Runtime } from '@gguf/runtime';
import type { Timing } from './env';
import type { LogShipper } from './logs/shipper';
import type { NodeModels } from './models/node-models';

/** How this worker's node is described to the rest of the cluster. */
export interface NodeSettings {
  name: string;
  /** Address gateways (and this worker's readiness probes) dial. */
  address: string;
  networkMode: 'none' | 'host' | 'bridge';
  portRange: [number, number];
  cpuSlots: number;
  /** CPU cores servers may use: threads are bounded by it, CPU quotas derived from it. */
  cpuCores: number;
  /** Declared (NODE_GPUS) or detected (nvidia-smi). */
  gpus: GpuEntry[];
  runtimeKind: 'docker' | 'process';
  /** For docker nodes: the engine endpoint recorded on the node. */
  dockerEndpoint?: string;
}

/** Everything job handlers and loops share. */
export interface WorkerContext {
  db: Database;
  /** Commands: change notifications, captured logs, leases. */
  redis: Redis;
  logger: Logger;
  /** Opens sealed columns: deployments' upstream secrets, organizations' HF tokens (SECRETS_KEY). */
  secrets: SecretBox;
  runtime: Runtime;
  node: { id: string; name: string; address: string; cpuCores: number; cpuSlots: number };
  /** The node's models: the library and the organizations' downloads. */
  models: NodeModels;
  timing: Timing;
  /** The shared queue every worker serves. */
  deploymentQueue: Queue;
  /** The queue of any node (cached). */
  nodeQueue(nodeId: string): Queue;
  logs: LogShipper;
  /** Set when the worker is shutting down: long waits hand their job back. */
  stopping: AbortSignal;
}
