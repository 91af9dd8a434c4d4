import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { digestsEqual, hashApiKey, type HealthCheck, isHealthRequest, newId, serveHealth } from '@gguf/core';
import type { GatewayContext } from './context';
import { gatewayError, sendError } from './http/errors';
import { listensOnLoopbackOnly } from './http/loopback';
import { handleDeploymentRequest } from './proxy/handle-deployment-request';
import { parseTarget } from './routes';

function isMetricsRequest(req: IncomingMessage): boolean {
  return req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?') === true);
}

/**
 * /metrics needs GATEWAY_METRICS_TOKEN, except on a gateway only this machine can reach (bound to loopback or a
 * Unix socket). Beyond loopback without a token it is refused outright, never open.
 */
async function serveMetrics(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse, server: Server): Promise<void> {
  const token = ctx.env.GATEWAY_METRICS_TOKEN;
  if (token === undefined && !listensOnLoopbackOnly(server)) {
    return sendError(res, 'openai', gatewayError(403, 'metrics_token_required', 'Metrics are disabled: this gateway listens beyond loopback and GATEWAY_METRICS_TOKEN is not set.'));
  }
  const presented = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '';
  if (token !== undefined && !digestsEqual(hashApiKey(presented), hashApiKey(token))) {
    return sendError(res, 'openai', gatewayError(401, 'invalid_metrics_token', 'A valid metrics token is required.'));
  }
  const body = await ctx.metrics.registry.metrics();
  res.writeHead(200, { 'content-type': ctx.metrics.registry.contentType, 'cache-control': 'no-store' });
  res.end(body);
}

/** The gateway's HTTP server: health, metrics, the organization endpoint /api/llm/ and every deployment's API under /api/gguf/{id}/. */
export function createGatewayServer(ctx: GatewayContext, healthChecks: Record<string, HealthCheck>): Server {
  const { env, logger } = ctx;
  const server = createServer((req, res) => {
    // A caller that vanished mid-write is routine for a proxy, not an error worth a stack trace.
    res.on('error', () => undefined);
    if (isHealthRequest(req)) {
      serveHealth(res, 'gateway', healthChecks).catch(() => res.destroy());
      return;
    }
    if (isMetricsRequest(req)) {
      serveMetrics(ctx, req, res, server).catch(() => res.destroy());
      return;
    }
    const requestId = newId('request');
    const target = parseTarget(req.method ?? 'GET', req.url ?? '/');
    if (!target) {
      const path = (req.url ?? '/').split('?')[0];
      sendError(res, 'openai', gatewayError(404, 'route_not_found', `Unknown route: ${req.method} ${path}. The organization's models are served under /api/llm/, each deployment under /api/gguf/{deployment_id}/.`), { 'x-request-id': requestId });
      return;
    }
    handleDeploymentRequest(ctx, req, res, target, requestId, performance.now()).catch((error: unknown) => {
      logger.error({ requestId, err: error instanceof Error ? error.message : String(error) }, 'request handling failed');
      if (res.headersSent) res.destroy();
      else sendError(res, 'openai', gatewayError(500, 'internal_error', 'The gateway failed to handle the request.'), { 'x-request-id': requestId });
    });
  });
  server.headersTimeout = env.GATEWAY_HEADERS_TIMEOUT_MS;
  server.requestTimeout = Math.max(env.GATEWAY_REQUEST_TIMEOUT_MS, env.GATEWAY_HEADERS_TIMEOUT_MS);
  server.keepAliveTimeout = env.GATEWAY_KEEP_ALIVE_TIMEOUT_MS;
  return server;
}
