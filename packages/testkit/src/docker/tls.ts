import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM material a Docker client presents to a TLS engine (as DOCKER_CERT_PATH holds it). */
export interface ClientTls {
  ca: string;
  cert: string;
  key: string;
}

export interface EngineTls {
  /** Files for dockerd's --tlscacert, --tlscert and --tlskey. */
  serverFiles: { ca: string; cert: string; key: string };
  client: ClientTls;
}

/**
 * A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI,
 * so a test daemon can listen on tcp:// with --tlsverify the way a remote engine does.
 */
export function makeEngineTls(dir: string): EngineTls {
  mkdirSync(dir, { recursive: true });
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  const key = (name: string) => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', at(name));
  key('ca-key.pem');
  openssl('req', '-x509', '-new', '-key', at('ca-key.pem'), '-out', at('ca.pem'), '-days', '2', '-subj', '/CN=gguf test CA');
  const sign = (name: string, subject: string, extensions: string) => {
    key(`${name}-key.pem`);
    openssl('req', '-new', '-key', at(`${name}-key.pem`), '-out', at(`${name}.csr`), '-subj', subject);
    writeFileSync(at(`${name}.ext`), extensions);
    openssl('x509', '-req', '-in', at(`${name}.csr`), '-CA', at('ca.pem'), '-CAkey', at('ca-key.pem'), '-CAcreateserial', '-out', at(`${name}.pem`), '-days', '2', '-extfile', at(`${name}.ext`));
  };
  sign('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  sign('client', '/CN=gguf worker', 'extendedKeyUsage=clientAuth\n');
  const read = (name: string) => readFileSync(at(name), 'utf8');
  return {
    serverFiles: { ca: at('ca.pem'), cert: at('server.pem'), key: at('server-key.pem') },
    client: { ca: read('ca.pem'), cert: read('client.pem'), key: read('client-key.pem') },
  };
}
