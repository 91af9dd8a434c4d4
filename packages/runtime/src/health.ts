import { request } from 'node:http';

/**
 * llama-server's readiness as /health reports it: 200 once the model is loaded, 503 while it
 * loads, nothing at all while it downloads the model (the HTTP server is not up yet).
 */
export type HealthState = 'ready' | 'loading' | 'down';

/** One probe of `baseUrl`/health; never throws. */
export function probeHealth(baseUrl: string, timeoutMs = 2_000): Promise<HealthState> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (state: HealthState) => {
      if (settled) return;
      settled = true;
      resolve(state);
    };
    // node:http rather than fetch: no connection pooling, so a server that just died is never "ready" through a stale socket.
    const req = request(`${baseUrl}/health`, { method: 'GET', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      done(res.statusCode === 200 ? 'ready' : 'loading');
    });
    req.on('timeout', () => {
      req.destroy();
      done('loading');
    });
    req.on('error', () => done('down'));
    req.end();
  });
}
