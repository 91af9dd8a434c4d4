import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';

/**
 * A Docker engine a node's servers run on:
 *   unix:///var/run/docker.sock            the local engine
 *   tcp://gpu-1.internal:2376 + TLS        a remote engine (certificates as for the docker CLI)
 *   ssh://deploy@gpu-1.internal[:22]       a remote engine through SSH (`docker system dial-stdio`)
 */
export interface DockerEndpoint {
  url: string;
  /** Directory holding ca.pem, cert.pem and key.pem (DOCKER_CERT_PATH), for tcp:// with TLS. */
  tlsCertPath?: string;
  /** The same material inline (PEM), as an admin registers it with the node; wins over tlsCertPath. */
  tls?: DockerTls;
  /** Verify the engine's certificate and use TLS (DOCKER_TLS_VERIFY); implied by port 2376 or a certificate directory. */
  tlsVerify?: boolean;
  /** Private key file for ssh://; the SSH agent (SSH_AUTH_SOCK) is used otherwise. */
  sshKeyPath?: string;
}

export interface DockerTls {
  ca: string;
  cert: string;
  key: string;
}

export const DEFAULT_DOCKER_ENDPOINT = 'unix:///var/run/docker.sock';

/** True for an engine on this machine, whose ports and files the worker can check itself. */
export function isLocalEndpoint(url: string): boolean {
  return url.startsWith('unix://') || url.startsWith('/');
}

/**
 * dockerode options for an endpoint. Every connection field is set explicitly, because
 * docker-modem otherwise fills the gaps from this process's DOCKER_HOST.
 */
export function dockerOptions(endpoint: DockerEndpoint): Dockerode.DockerOptions {
  const none = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined, ca: undefined, cert: undefined, key: undefined };
  if (endpoint.url.startsWith('/')) return { ...none, socketPath: endpoint.url };
  let url: URL;
  try {
    url = new URL(endpoint.url);
  } catch {
    throw new Error(`not a Docker endpoint: ${endpoint.url} (expected unix:///path, tcp://host:port or ssh://user@host)`);
  }
  switch (url.protocol) {
    case 'unix:':
      return { ...none, socketPath: url.pathname || '/var/run/docker.sock' };
    case 'tcp:':
    case 'http:':
    case 'https:': {
      const tls = url.protocol === 'https:' || endpoint.tlsVerify === true || endpoint.tls !== undefined || endpoint.tlsCertPath !== undefined || url.port === '2376';
      const certs = endpoint.tls
        ? { ...endpoint.tls }
        : endpoint.tlsCertPath
        ? {
            ca: readFileSync(join(endpoint.tlsCertPath, 'ca.pem')),
            cert: readFileSync(join(endpoint.tlsCertPath, 'cert.pem')),
            key: readFileSync(join(endpoint.tlsCertPath, 'key.pem')),
          }
        : {};
      return { ...none, host: url.hostname, port: Number(url.port || (tls ? 2376 : 2375)), protocol: tls ? 'https' : 'http', ...certs };
    }
    case 'ssh:':
      return {
        ...none,
        host: url.hostname,
        port: Number(url.port || 22),
        protocol: 'ssh',
        username: decodeURIComponent(url.username) || undefined,
        sshOptions: endpoint.sshKeyPath ? { privateKey: readFileSync(endpoint.sshKeyPath) } : { agent: process.env.SSH_AUTH_SOCK },
      } as Dockerode.DockerOptions;
    default:
      throw new Error(`unsupported Docker endpoint ${endpoint.url}: use unix://, tcp:// or ssh://`);
  }
}

export function connectDocker(endpoint: DockerEndpoint): Dockerode {
  return new Dockerode(dockerOptions(endpoint));
}
