import { isIP } from 'node:net';
import { z } from 'zod';
import { integer, name, text } from '../shared/fields';
import { listOf } from '../shared/pagination';
import { NODE_ISOLATIONS } from './node-isolation';
import { libraryEntry } from './node-library';

const NETWORK_MODES = ['none', 'host', 'bridge'] as const;

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A host name or an IP address, nothing else: it ends up in URLs the gateway and worker dial. */
export const host = text(253).refine((value) => isIP(value) !== 0 || HOSTNAME.test(value), 'must be a host name or an IP address');

const port = z.coerce.number().int().min(1).max(65535);

/**
 * The Docker engine of a remote node: `tcp://host:port` (TLS required: a plain-TCP engine is root
 * on the node for anyone on the network) or `ssh://user@host[:port]`. The API only records it;
 * the worker is what connects.
 */
export const dockerEndpoint = text(2048).refine((value) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const plain = url.pathname === '' || url.pathname === '/';
  if (url.protocol === 'tcp:') return host.safeParse(hostname).success && port.safeParse(url.port).success && plain && !url.username;
  if (url.protocol === 'ssh:') return host.safeParse(hostname).success && /^[a-z_][a-z0-9_.-]{0,31}$/i.test(url.username) && !url.password && plain;
  return false;
}, 'must be tcp://host:port or ssh://user@host');

const pem = (what: string) =>
  text(20_000).regex(/^-----BEGIN [A-Z0-9 ]+-----[\s\S]+-----END [A-Z0-9 ]+-----\s*$/, `must be a PEM-encoded ${what}`);

const gpu = z.strictObject({
  index: integer(0, 63),
  type: text(100).trim().min(1, 'must not be empty'),
  memory_mb: integer(1, 10_000_000),
  uuid: text(100).optional(),
});

export const registerNodeBody = z
  .strictObject({
    name,
    docker_endpoint: dockerEndpoint,
    /** Client certificate material for tcp:// endpoints; never returned by the API. */
    docker_tls: z.strictObject({ ca: pem('certificate'), cert: pem('certificate'), key: pem('private key') }).optional(),
    /** Host the gateway dials to reach servers on this node. */
    address: host,
    /** none seals servers off every network (the worker serves their ports); host and bridge let them reach networks: weaker. */
    network_mode: z.enum(NETWORK_MODES, { error: 'must be "none", "host" or "bridge"' }).default('none'),
    port_range: z
      .strictObject({ start: port, end: port })
      .refine((range) => range.start <= range.end, { message: 'start must not be above end', path: ['start'] })
      .default({ start: 20000, end: 20999 }),
    cpu_slots: integer(0, 1024).default(4),
    gpus: z
      .array(gpu)
      .max(64, 'must list at most 64 GPUs')
      .refine((gpus) => new Set(gpus.map((g) => g.index)).size === gpus.length, 'GPU indexes must be unique')
      .default([]),
  })
  .refine((body) => !body.docker_endpoint.startsWith('tcp:') || body.docker_tls, {
    message: 'is required for a tcp:// endpoint (CA, client certificate and key)',
    path: ['docker_tls'],
  });
export type RegisterNodeInput = z.infer<typeof registerNodeBody>;

export const node = z.object({
  id: z.string(),
  name: z.string(),
  runtime_kind: z.enum(['docker', 'process']),
  docker_endpoint: z.string().nullable(),
  /** Whether TLS material is stored; the material itself never leaves the database. */
  docker_tls: z.boolean(),
  address: z.string(),
  network_mode: z.enum(NETWORK_MODES),
  /** Whether the node keeps tenants apart: sealed (docker, no network), network (docker, host or bridge), none (process runtime). */
  isolation: z.enum(NODE_ISOLATIONS),
  port_range: z.object({ start: z.number().int(), end: z.number().int() }),
  cpu_slots: z.number().int(),
  /** Cores the node's servers may use, as its worker reported; null until one has. */
  cpu_cores: z.number().int().nullable(),
  /** The models of the node's library; null until its worker has reported. */
  library: z.array(libraryEntry).nullable(),
  status: z.enum(['ready', 'unreachable']),
  cordoned: z.boolean(),
  draining_at: z.iso.datetime().nullable(),
  heartbeat_at: z.iso.datetime().nullable(),
  /** Servers placed on it, whatever their status: a drained node can be deleted once this is 0. */
  servers: z.number().int(),
  gpus: z.array(
    z.object({
      index: z.number().int(),
      type: z.string(),
      memory_mb: z.number().int(),
      uuid: z.string().nullable(),
      /** The server holding it, and that server's deployment; null while free. */
      server_id: z.string().nullable(),
      deployment_id: z.string().nullable(),
    }),
  ),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type NodeObject = z.infer<typeof node>;
export const nodeList = listOf(node);
