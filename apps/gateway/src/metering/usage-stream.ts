import type { Redis } from '@gguf/redis';
import type { UsageRecord } from './usage-rows';

/** One finished request's usage and when it finished (epoch ms). */
export interface TimedUsage {
  usage: UsageRecord;
  at: number;
}

type Tuple = [at: number, input: number, output: number, apiKeyId: string, deploymentId: string, orgId: string, modelName: string];

/** One stream entry holds the requests that ended in one turn of the event loop, as JSON tuples. */
export function encodeEntry(batch: TimedUsage[]): string {
  return JSON.stringify(batch.map(({ usage: u, at }): Tuple => [at, u.inputTokens, u.outputTokens, u.apiKeyId, u.deploymentId, u.orgId, u.modelName]));
}

const count = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const id = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** The usage in an entry; whatever does not have the entry's shape is left out. */
export function decodeEntry(entry: string): TimedUsage[] {
  let tuples: unknown;
  try {
    tuples = JSON.parse(entry);
  } catch {
    return [];
  }
  if (!Array.isArray(tuples)) return [];
  return tuples.flatMap((tuple: unknown) => {
    if (!Array.isArray(tuple) || tuple.length !== 7) return [];
    const [at, inputTokens, outputTokens, apiKeyId, deploymentId, orgId, modelName] = tuple as unknown[];
    if (!count(at) || !count(inputTokens) || !count(outputTokens) || !id(apiKeyId) || !id(deploymentId) || !id(orgId) || typeof modelName !== 'string') return [];
    return [{ at, usage: { apiKeyId, deploymentId, orgId, modelName, inputTokens, outputTokens } }];
  });
}

/** Longest a response's end waits for an append stuck in this process (Redis not reading): latency beats a lost row that is unlikely anyway. */
const FLUSH_WAIT_MS = 1_000;

/**
 * The producer side of the usage stream: one XADD per turn of the event loop, with every request that ended in
 * it. On this connection (no auto-pipelining, no offline queue) the command is handed to the kernel as it is
 * sent, unless Redis has stopped reading and the kernel's buffer is full; `flushed` says when it is. The
 * responses' ends are written only then (see Meter), so once a caller can have its answer, its usage is on its
 * way to Redis, and a gateway killed at that moment loses nothing. Nothing waits for the reply; a failure hands
 * the batch back to be written another way.
 */
export class UsageStream {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
  ) {}

  /** Whether an append can be written now; when not, usage must go another way. */
  get writable(): boolean {
    return this.redis.status === 'ready';
  }

  append(batch: TimedUsage[], onFailed: (batch: TimedUsage[]) => void): void {
    this.redis.xadd(this.key, '*', 'u', encodeEntry(batch)).catch(() => onFailed(batch));
  }

  /** Calls `then` once what was appended has left this process (at once, unless the socket is backed up). */
  flushed(then: () => void): void {
    const socket = this.redis.stream;
    if (socket.writableLength === 0) return then();
    let done = false;
    const once = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.off('drain', once);
      socket.off('close', once);
      then();
    };
    const timer = setTimeout(once, FLUSH_WAIT_MS);
    socket.once('drain', once);
    socket.once('close', once);
  }
}
