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
  /** Prompt tokens of inference requests, cached or not. */
  promptTokens: number;
  /** The part of promptTokens read from slots' caches instead of computed. */
  cachedTokens: number;
  predictedTokens: number;
  /** The last generation prompts, oldest first: how big each was and how much of it its slot's cache held. */
  prompts: PromptRecord[];
  lastHeaders: IncomingHttpHeaders | null;
  /** Parsed JSON body of the last request; null when it had none or it was not JSON. */
  lastBody: unknown;
  /** Path and query of the last request. */
  lastUrl: string | null;
}

export interface PromptRecord {
  path: string;
  slot: number;
  promptTokens: number;
  cachedTokens: number;
}

/** Enough history for a multi-turn session in one test, bounded so a benchmark's millions of requests are not. */
const PROMPTS_KEPT = 100;

export function recordPrompt(stats: FakeStats, record: PromptRecord): void {
  stats.prompts.push(record);
  if (stats.prompts.length > PROMPTS_KEPT) stats.prompts.shift();
}

export function emptyStats(): FakeStats {
  return {
    requests: 0,
    inferenceRequests: 0,
    aborted: 0,
    active: 0,
    promptTokens: 0,
    cachedTokens: 0,
    predictedTokens: 0,
    prompts: [],
    lastHeaders: null,
    lastBody: null,
    lastUrl: null,
  };
}

/** Clears the counters between test cases; requests still in flight stay counted as active. */
export function resetStats(stats: FakeStats): void {
  Object.assign(stats, emptyStats(), { active: stats.active });
}
