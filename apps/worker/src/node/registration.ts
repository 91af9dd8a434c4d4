import { type GpuEntry, SECRET_COLUMNS, type SecretBox, secretLocation } from '@gguf/core';
import type { WorkerEnv } from '../env';
import type { Database } from '@gguf/db';
import { type DockerTls, isLocalEndpoint } from '@gguf/runtime';
import { z } from 'zod';

/** What an admin registered for a node (POST /api/v1/admin/nodes) before its worker first started. */
export interface NodeRegistration {
  dockerEndpoint: string | null;
  dockerTls: DockerTls | null;
  address: string;
  networkMode: 'none' | 'host' | 'bridge';
  portRange: [number, number];
  cpuSlots: number;
  gpus: GpuEntry[];
}

const dockerTls = z.object({ ca: z.string(), cert: z.string(), key: z.string() });

/** The node registered under `name`, with its TLS material opened (a value that does not open throws a SecretsError). */
export async function findNodeRegistration(db: Database, secrets: SecretBox, name: string): Promise<NodeRegistration | undefined> {
  const node = await db.node.findUnique({ where: { name }, include: { gpus: { orderBy: { index: 'asc' } } } });
  if (!node) return undefined;
  const opened = node.dockerTls === null ? null : secrets.open(node.dockerTls, secretLocation(SECRET_COLUMNS.nodeDockerTls, node.id));
  const tls = dockerTls.safeParse(opened === null ? null : JSON.parse(opened));
  return {
    dockerEndpoint: node.dockerEndpoint,
    dockerTls: tls.success ? tls.data : null,
    address: node.address,
    networkMode: node.networkMode,
    portRange: [node.portRangeStart, node.portRangeEnd],
    cpuSlots: node.cpuSlots,
    gpus: node.gpus.map((gpu) => ({ index: gpu.index, type: gpu.type, memoryMb: gpu.memoryMb, ...(gpu.uuid ? { uuid: gpu.uuid } : {}) })),
  };
}

export interface RegisteredSettings {
  env: WorkerEnv;
  /** TLS material of a registered tcp:// engine. */
  dockerTls?: DockerTls;
  /** The registered GPU inventory, for a remote engine whose GPUs nvidia-smi here cannot see. */
  gpus?: GpuEntry[];
  notes: string[];
}

/**
 * An admin can register a remote Docker node (its engine endpoint and TLS material, address, ports and GPUs)
 * before any worker serves it. A worker started with that NODE_NAME and no DOCKER_HOST of its own connects to
 * that engine and takes the registered settings for every variable its environment leaves unset; the worker's
 * registration then writes the result back to the node row. Local nodes (a unix socket, the process runtime)
 * are described by their worker's environment alone, so a stale row never overrides what the machine has.
 */
export function withRegistration(env: WorkerEnv, source: NodeJS.ProcessEnv, registration: NodeRegistration | undefined): RegisteredSettings {
  const unset = (name: string) => source[name] === undefined || source[name] === '';
  const endpoint = registration?.dockerEndpoint;
  if (!registration || !endpoint || isLocalEndpoint(endpoint) || !unset('DOCKER_HOST')) return { env, notes: [] };
  const merged: WorkerEnv = { ...env, DOCKER_HOST: endpoint };
  if (unset('RUNTIME')) merged.RUNTIME = 'docker';
  const taken = ['Docker endpoint'];
  const fill = <K extends keyof WorkerEnv>(name: K, value: WorkerEnv[K], what: string) => {
    if (!unset(name)) return;
    merged[name] = value;
    taken.push(what);
  };
  fill('NODE_ADDRESS', registration.address, 'address');
  fill('NODE_NETWORK_MODE', registration.networkMode, 'network mode');
  fill('NODE_PORT_RANGE', registration.portRange, 'port range');
  fill('NODE_CPU_SLOTS', registration.cpuSlots, 'CPU slots');
  const gpus = unset('NODE_GPUS') && registration.gpus.length > 0 ? registration.gpus : undefined;
  if (gpus) taken.push('GPUs');
  const notes = [`node registered by an admin: using its ${taken.join(', ')} (set the matching variables to override)`];
  return { env: merged, dockerTls: registration.dockerTls ?? undefined, gpus, notes };
}
