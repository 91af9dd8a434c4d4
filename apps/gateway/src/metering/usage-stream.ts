import type { Redis } from '@gguf/redis';
import type { Budgets } from '../limits/budgets';
import type { UsageRecord } from './usage-rows';

/**
 * Appends one finished request's usage to the stream and adds its tokens to the key's budget counter for the
 * month, when that counter exists (a missing one is rebuilt from Postgres before it is trusted; see Budgets).
 * KEYS: stream, budget counter. ARGV: entry, tokens. Returns the counter after the addition, or -1.
 */
const APPEND_SCRIPT = `
redis.call('XADD', KEYS[1], '*', 'u', ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
return redis.call('INCRBY', KEYS[2], ARGV[2])
`;

type AppendCommand = { ggufUsageAppend(stream: string, counter: string, entry: string, tokens: number): Promise<number> };

/** One entry: `at|input|output|apiKeyId|deploymentId|orgId|modelName`; ids never contain `|`, the model name comes last. */
export function encodeEntry(usage: UsageRecord, at: number): string {
  return `${at}|${usage.inputTokens}|${usage.outputTokens}|${usage.apiKeyId}|${usage.deploymentId}|${usage.orgId}|${usage.modelName}`;
}

export function decodeEntry(entry: string): { usage: UsageRecord; at: number } | undefined {
  const parts = entry.split('|');
  if (parts.length < 7) return undefined;
  const [at, input, output, apiKeyId, deploymentId, orgId] = parts as [string, string, string, string, string, string];
  const numbers = [Number(at), Number(input), Number(output)];
  if (!numbers.every((n) => Number.isSafeInteger(n) && n >= 0) || !apiKeyId || !deploymentId || !orgId) return undefined;
  const modelName = parts.slice(6).join('|');
  return { at: numbers[0]!, usage: { apiKeyId, deploymentId, orgId, modelName, inputTokens: numbers[1]!, outputTokens: numbers[2]! } };
}

/**
 * The producer side of the usage stream. Called before the response's last bytes are handed to the socket:
 * on this connection (no auto-pipelining, no offline queue) the command is written to the kernel synchronously,
 * so once a caller can have its answer, Redis has (or is receiving) the usage, and a gateway killed at that
 * moment loses nothing. The reply only refreshes the key's budget count; a failure hands the usage back to the
 * caller to be written another way.
 */
export class UsageStream {
  private readonly redis: Redis & AppendCommand;

  constructor(
    redis: Redis,
    readonly key: string,
    private readonly budgets: Budgets,
  ) {
    redis.defineCommand('ggufUsageAppend', { numberOfKeys: 2, lua: APPEND_SCRIPT });
    this.redis = redis as Redis & AppendCommand;
  }

  /** Whether an append can be written now; when not, usage must go another way. */
  get writable(): boolean {
    return this.redis.status === 'ready';
  }

  append(usage: UsageRecord, at: number, onFailed: (usage: UsageRecord, at: number) => void): void {
    const month = this.budgets.monthOf(at);
    this.redis.ggufUsageAppend(this.key, this.budgets.counterKey(usage.apiKeyId, month), encodeEntry(usage, at), usage.inputTokens + usage.outputTokens).then(
      (used) => {
        if (used >= 0) this.budgets.observe(usage.apiKeyId, month.start, used);
      },
      () => onFailed(usage, at),
    );
  }
}
