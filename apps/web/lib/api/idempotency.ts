import { type Idempotency, requestFingerprint } from '@gguf/api';

/** The Idempotency-Key header, bound to this exact request (method, path, body). */
export function idempotencyFrom(request: Request, rawBody: string): Idempotency | undefined {
  const key = request.headers.get('idempotency-key');
  if (key === null) return undefined;
  return { key, fingerprint: requestFingerprint(request.method, new URL(request.url).pathname, rawBody) };
}
