import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A server's key and certificate; `cert` is also what a client passes as its trusted CA. */
export interface SelfSignedTls {
  cert: string;
  key: string;
}

/** Names the fake hub answers to; tests map them to 127.0.0.1 with an injected resolver. */
export const FAKE_HUB_NAMES = ['hub.test', 'cdn.test', 'models.test', 'mirror.test'] as const;

/**
 * A throwaway self-signed certificate for `names` (and 127.0.0.1), made with the openssl CLI. It is its
 * own trust anchor, so a client that adds it as a CA verifies the server by name, as against a real hub.
 */
export function makeSelfSignedTls(names: readonly string[] = FAKE_HUB_NAMES): SelfSignedTls {
  const dir = mkdtempSync(join(tmpdir(), 'fake-hub-tls-'));
  try {
    const san = [...names.map((name) => `DNS:${name}`), 'IP:127.0.0.1'].join(',');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=gguf fake hub', '-addext', `subjectAltName=${san}`],
      { stdio: 'ignore' },
    );
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
