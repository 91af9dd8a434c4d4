import { createReadStream } from 'node:fs';
import { request } from 'node:http';

/**
 * A few Docker Engine API calls over the daemon's unix socket, with nothing but node:http, so the
 * test kit needs neither dockerode nor the docker CLI.
 */
export interface EngineResponse {
  status: number;
  body: string;
}

export function engineRequest(
  socketPath: string,
  method: string,
  path: string,
  body?: { json: unknown } | { file: string; contentType: string },
  timeoutMs = 60_000,
): Promise<EngineResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    let payload: string | undefined;
    if (body && 'json' in body) {
      payload = JSON.stringify(body.json);
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    } else if (body) {
      headers['content-type'] = body.contentType;
    }
    const req = request({ socketPath, method, path, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body && 'file' in body) {
      createReadStream(body.file).on('error', reject).pipe(req);
    } else {
      req.end(payload);
    }
  });
}

/** GET /_ping answers "OK" once the daemon serves its API. */
export async function enginePing(socketPath: string): Promise<boolean> {
  try {
    const res = await engineRequest(socketPath, 'GET', '/_ping', undefined, 2_000);
    return res.status === 200 && res.body.trim() === 'OK';
  } catch {
    return false;
  }
}
