import { createServer, type Server } from 'node:http';
import { type HealthCheck, isHealthRequest, type Logger, serveHealth } from '@gguf/core';

/** The worker serves no API; this small server answers the orchestrator's health probes. */
export function createHealthServer(logger: Logger, checks: Record<string, HealthCheck>): Server {
  return createServer((req, res) => {
    if (isHealthRequest(req)) {
      serveHealth(res, 'worker', checks).catch((error: unknown) => {
        logger.error({ err: error }, 'health check failed to answer');
        res.destroy();
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'Not found', type: 'not_found' } }));
  });
}
