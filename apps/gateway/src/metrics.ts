import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics. Labels are route names and statuses only: deployment and key ids would make the series
 * count grow with the tenants, and /metrics must not become a listing of them.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gateway_process_' });
  const requests = new Counter({ name: 'gateway_requests_total', help: 'Requests answered, by route and status (499: the client went away).', labelNames: ['route', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: 'gateway_request_duration_seconds',
    help: 'Time from request to the end of the response, by route.',
    labelNames: ['route', 'streamed'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  // Looking a labelled series up hashes its labels; the set of (route, status) pairs is small, so keep them bound.
  const series = new Map<string, { observe(seconds: number): void }>();
  const requestSeries = (route: string, status: number, streamed: boolean) => {
    const id = `${route} ${status} ${streamed}`;
    let bound = series.get(id);
    if (!bound) {
      const count = requests.labels(route, String(status));
      const time = duration.labels(route, String(streamed));
      bound = {
        observe: (seconds) => {
          count.inc();
          time.observe(seconds);
        },
      };
      series.set(id, bound);
    }
    return bound;
  };
  return {
    registry,
    /** Counts one answered request and its duration. */
    requestSeries,
    overhead: new Histogram({
      name: 'gateway_overhead_seconds',
      help: 'Time the gateway spent before the upstream request went out (auth, limits, body).',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1],
      registers: [registry],
    }),
    upstreamFirstByte: new Histogram({
      name: 'gateway_upstream_first_byte_seconds',
      help: 'Time until llama-server sent its response headers, by route.',
      labelNames: ['route'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    upstreamErrors: new Counter({ name: 'gateway_upstream_errors_total', help: 'Upstream failures, by kind.', labelNames: ['kind'], registers: [registry] }),
    activeStreams: new Gauge({ name: 'gateway_active_streams', help: 'Streamed responses in progress.', registers: [registry] }),
    tokens: new Counter({ name: 'gateway_tokens_total', help: 'Tokens metered, by direction (input, output).', labelNames: ['direction'], registers: [registry] }),
    rateLimited: new Counter({ name: 'gateway_rate_limited_total', help: 'Requests refused by a limit, by limit.', labelNames: ['limit'], registers: [registry] }),
    heldRequests: new Gauge({ name: 'gateway_held_requests', help: 'Requests held while their deployment wakes from sleep or comes back from a restart.', registers: [registry] }),
    upstreamRetries: new Counter({
      name: 'gateway_upstream_retries_total',
      help: 'Requests tried again after their upstream failed before sending anything, by reason (connect_refused, connection_lost, status_503).',
      labelNames: ['reason'],
      registers: [registry],
    }),
    balancedRequests: new Counter({
      name: 'gateway_balanced_requests_total',
      help: 'Requests given a server, by what their affinity key came from (session, user, prompt, none) and how the server was chosen (preferred, spilled, least_loaded, only).',
      labelNames: ['affinity', 'placement'],
      registers: [registry],
    }),
    upstreamEjections: new Counter({ name: 'gateway_upstream_ejections_total', help: 'Upstreams skipped for a while after failing before they answered.', registers: [registry] }),
    wakeTimeouts: new Counter({ name: 'gateway_wake_timeouts_total', help: 'Held requests answered 503 because their deployment did not wake within its wake_timeout_s.', registers: [registry] }),
    limiterFailOpen: new Counter({ name: 'gateway_rate_limiter_fail_open_total', help: 'Requests let through because Redis could not be asked.', registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
