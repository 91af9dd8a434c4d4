// The gateway benchmark's load generator: an undici pool sending chat completions to one path, closed loop
// (a fixed number of callers) or open loop (a fixed request rate), recording latencies and, for streams,
// time to first byte and the gaps between events.
import { Pool } from 'undici';

/** The upstream sends this many events per streamed answer; fewer counts as an error. */
export const EVENTS_PER_STREAM = 16;

export const PATHS = ['direct', 'nginx', 'node', 'gateway', 'llm', 'forwarder', 'sealed', 'baseline'] as const;
export type PathName = (typeof PATHS)[number];

export interface Target {
  name: PathName;
  origin: string;
  path: string;
  headers: Record<string, string>;
  /** The body's `model` (the organization endpoint routes by it); `local` when unset. */
  model?: string;
}

export interface Scenario {
  name: string;
  concurrency: number;
  stream: boolean;
  /** Milliseconds between a stream's events (the upstream sleeps that long before each). */
  eventIntervalMs: number;
  /** Requests per second for an open loop; absent for a closed loop. */
  rate?: number;
}

export interface Result {
  requests: number;
  errors: number;
  seconds: number;
  latencies: number[];
  ttfb: number[];
  gaps: number[];
  /** Seconds of CPU each process behind the path used during the measurement, by the process's role. */
  cpu: Record<string, number>;
}

export const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);

/**
 * Closed loop: `concurrency` callers each send the next request as soon as the last one finished. With a rate,
 * open loop instead: requests start on a fixed schedule whatever the answers do, so latency is measured at a
 * load the server can sustain rather than at saturation.
 */
export async function load(target: Target, scenario: Scenario, ms: number): Promise<Result> {
  const { concurrency, stream, rate } = scenario;
  const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1 });
  const body = JSON.stringify({ model: target.model ?? 'local', messages: [{ role: 'user', content: 'What is the capital of France?' }], max_tokens: 64, stream });
  const headers = { ...target.headers, 'content-type': 'application/json', ...(stream ? { 'x-bench-event-interval-ms': String(scenario.eventIntervalMs) } : {}) };
  const result: Result = { requests: 0, errors: 0, seconds: ms / 1000, latencies: [], ttfb: [], gaps: [], cpu: {} };
  const deadline = performance.now() + ms;
  const one = async () => {
    const startedAt = performance.now();
    try {
      const res = await pool.request({ path: target.path, method: 'POST', headers, body });
      let last = 0;
      let events = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        const now = performance.now();
        if (stream) {
          if (last === 0) result.ttfb.push(now - startedAt);
          else result.gaps.push(now - last);
          last = now;
          events += chunk.toString().split('\n\n').length - 1;
        }
      }
      if (res.statusCode !== 200 || (stream && events < EVENTS_PER_STREAM)) result.errors++;
      else {
        result.requests++;
        result.latencies.push(performance.now() - startedAt);
      }
    } catch {
      result.errors++;
    }
  };
  if (rate === undefined) {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) await one();
      }),
    );
  } else {
    const inFlight: Promise<void>[] = [];
    const begin = performance.now();
    for (let sent = 0; performance.now() < deadline; ) {
      const due = Math.floor(((performance.now() - begin) * rate) / 1000);
      for (; sent < due; sent++) inFlight.push(one());
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(inFlight);
  }
  await pool.close();
  return sorted(result);
}

/** Rounds of the same path and scenario taken as one measurement: counts and times add up, samples pool. */
export function merge(results: Result[]): Result {
  return sorted({
    requests: results.reduce((sum, r) => sum + r.requests, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    seconds: results.reduce((sum, r) => sum + r.seconds, 0),
    latencies: results.flatMap((r) => r.latencies),
    ttfb: results.flatMap((r) => r.ttfb),
    gaps: results.flatMap((r) => r.gaps),
    cpu: results.reduce<Record<string, number>>((sum, r) => {
      for (const [role, seconds] of Object.entries(r.cpu)) sum[role] = (sum[role] ?? 0) + seconds;
      return sum;
    }, {}),
  });
}

function sorted(result: Result): Result {
  for (const list of [result.latencies, result.ttfb, result.gaps]) list.sort((a, b) => a - b);
  return result;
}
