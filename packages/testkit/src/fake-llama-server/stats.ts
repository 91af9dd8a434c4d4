import type { IncomingHttpHeaders } from 'node:http';

/** What GET /fake/stats reports; tests assert on what reached the upstream and how requests ended. */
export interface FakeStats {
  /** Requests to llama-server routes (everything except /fake/*). */
  requests: number;
  /** Requests to generation, embedding and rerank routes: what a gateway's retries multiply. */
  inferenceRequests: number;
  /** Requests whose client went away before the response was complete. */
  aborted: number;
  /** Requests in flight. */
  active: number;
  promptTokens: number;
  predictedTokens: number;
  lastHeaders: IncomingHttpHeaders | null;
  /** Parsed JSON body of the last request; null when it had none or it was not JSON. */
  lastBody: unknown;
  /** Path and query of the last request. */
  lastUrl: string | null;
}

export function emptyStats(): FakeStats {
  return {
    requests: 0,
    inferenceRequests: 0,
    aborted: 0,
    active: 0,
    promptTokens: 0,
    predictedTokens: 0,
    lastHeaders: null,
    lastBody: null,
    lastUrl: null,
  };
}

/** Clears the counters between test cases; requests still in flight stay counted as active. */
export function resetStats(stats: FakeStats): void {
  Object.assign(stats, emptyStats(), { active: stats.active });
}
