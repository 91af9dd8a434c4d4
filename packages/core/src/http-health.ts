import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkHealth, type HealthCheck } from './health';

/** Serves a health report: 200 when every dependency answers, 503 naming what does not. */
export async function serveHealth(res: ServerResponse, app: string, checks: Record<string, HealthCheck>): Promise<void> {
  const report = await checkHealth(checks);
  const body = JSON.stringify({ app, ...report });
  res.writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function isHealthRequest(req: IncomingMessage): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && (req.url === '/healthz' || req.url?.startsWith('/healthz?') === true);
}
