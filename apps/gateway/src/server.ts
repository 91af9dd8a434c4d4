import { createServer, type Server } from 'node:http';
import { type HealthCheck, isHealthRequest, type Logger, serveHealth } from '@gguf/core';

export interface GatewayDeps {
  logger: Logger;
  healthChecks: Record<string, HealthCheck>;
}

/** The gateway's HTTP server. */
export function createGatewayServer({ logger, healthChecks }: GatewayDeps): Server {
  return createServer((req, res) => {
    if (isHealthRequest(req)) {
      serveHealth(res, 'gateway', healthChecks).catch((error: unknown) => {
        logger.error({ err: error }, 'health check failed to answer');
        res.destroy();
      });
      return;
    }
    const body = JSON.stringify({ error: { message: `Unknown route: ${req.method} ${req.url?.split('?')[0]}`, type: 'invalid_request_error', param: null, code: 'not_found' } });
    res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}
