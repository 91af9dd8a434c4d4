import type { Logger } from '@gguf/core';
import { type Database, Prisma } from '@gguf/db';

export interface UsageRecord {
  apiKeyId: string;
  deploymentId: string;
  orgId: string;
  /** The model name the caller asked for (on a deployment's own URL, the deployment's model name). */
  modelName: string;
  inputTokens: number;
  outputTokens: number;
}

interface Row {
  apiKeyId: string;
  deploymentId: string;
  orgId: string;
  modelName: string;
  hour: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

export interface MeterOptions {
  flushMs: number;
  flushRows: number;
  lastUsedIntervalMs: number;
}

const HOUR_MS = 3_600_000;
/** Rows kept while Postgres is unreachable; beyond this the oldest usage is dropped (and logged) instead of exhausting memory. */
const MAX_PENDING_FACTOR = 100;

/**
 * Counts requests and tokens per key × deployment × model name × hour in memory and writes them to Postgres in one
 * statement per batch, off the request path. Rows whose key or deployment has since been deleted are skipped
 * by the join instead of failing the whole batch. last_used_at is written at most once per interval per key.
 */
export class Meter {
  private pending = new Map<string, Row>();
  private lastUsed = new Map<string, number>();
  private readonly lastUsedWritten = new Map<string, number>();
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly options: MeterOptions,
  ) {
    this.timer = setInterval(() => void this.flush(), options.flushMs);
    this.timer.unref();
  }

  record(usage: UsageRecord, at = Date.now()): void {
    const hour = this.hourOf(at);
    const id = rowId(usage.apiKeyId, usage.deploymentId, usage.modelName, hour);
    const row = this.pending.get(id);
    if (row) {
      row.requests++;
      row.inputTokens += usage.inputTokens;
      row.outputTokens += usage.outputTokens;
    } else {
      this.pending.set(id, { ...usage, hour, requests: 1 });
    }
    const written = this.lastUsedWritten.get(usage.apiKeyId) ?? 0;
    if (at - written >= this.options.lastUsedIntervalMs) this.lastUsed.set(usage.apiKeyId, at);
    if (this.pending.size >= this.options.flushRows) void this.flush();
  }

  private hourStart = -1;
  private hourLabel = '';

  /** Start of the UTC hour as ISO text, formatted once per hour rather than once per request. */
  private hourOf(at: number): string {
    const start = at - (at % HOUR_MS);
    if (start !== this.hourStart) {
      this.hourStart = start;
      this.hourLabel = new Date(start).toISOString();
    }
    return this.hourLabel;
  }

  /** Writes what is pending; concurrent calls share one write. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0 && this.lastUsed.size === 0) return;
    const rows = [...this.pending.values()];
    const lastUsed = this.lastUsed;
    this.pending = new Map();
    this.lastUsed = new Map();
    try {
      if (rows.length > 0) await this.db.$executeRaw(upsertUsage(rows));
      if (lastUsed.size > 0) {
        await this.db.$executeRaw(touchKeys(lastUsed));
        for (const [id, at] of lastUsed) this.lastUsedWritten.set(id, at);
      }
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error), rows: rows.length }, 'could not write usage; will retry');
      this.restore(rows, lastUsed);
    }
  }

  private restore(rows: Row[], lastUsed: Map<string, number>): void {
    for (const row of rows) {
      const id = rowId(row.apiKeyId, row.deploymentId, row.modelName, row.hour);
      const newer = this.pending.get(id);
      if (newer) {
        newer.requests += row.requests;
        newer.inputTokens += row.inputTokens;
        newer.outputTokens += row.outputTokens;
      } else {
        this.pending.set(id, row);
      }
    }
    for (const [id, at] of lastUsed) if (!this.lastUsed.has(id)) this.lastUsed.set(id, at);
    const max = this.options.flushRows * MAX_PENDING_FACTOR;
    if (this.pending.size > max) {
      const drop = this.pending.size - max;
      const ids = [...this.pending.keys()].slice(0, drop);
      for (const id of ids) this.pending.delete(id);
      this.logger.error({ dropped: drop }, 'usage rows dropped: postgres has been unreachable for too long');
    }
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.pending.size > 0) await this.flush();
  }
}

/** Ids and the hour never contain `|`; the model name, which may, comes last, so the id is unambiguous. */
function rowId(apiKeyId: string, deploymentId: string, modelName: string, hour: string): string {
  return `${apiKeyId}|${deploymentId}|${hour}|${modelName}`;
}

function upsertUsage(rows: Row[]): Prisma.Sql {
  const values = Prisma.join(
    rows.map(
      (r) =>
        Prisma.sql`(${r.apiKeyId}, ${r.deploymentId}, ${r.modelName}, ${r.hour}::timestamp(3), ${r.orgId}, ${r.requests}::bigint, ${r.inputTokens}::bigint, ${r.outputTokens}::bigint)`,
    ),
  );
  return Prisma.sql`
    INSERT INTO usage_hourly (api_key_id, deployment_id, model_name, hour, org_id, requests, input_tokens, output_tokens)
    SELECT v.api_key_id, v.deployment_id, v.model_name, v.hour, v.org_id, v.requests, v.input_tokens, v.output_tokens
    FROM (VALUES ${values}) AS v(api_key_id, deployment_id, model_name, hour, org_id, requests, input_tokens, output_tokens)
    JOIN api_keys k ON k.id = v.api_key_id
    JOIN deployments d ON d.id = v.deployment_id
    ON CONFLICT (api_key_id, deployment_id, model_name, hour) DO UPDATE SET
      requests = usage_hourly.requests + EXCLUDED.requests,
      input_tokens = usage_hourly.input_tokens + EXCLUDED.input_tokens,
      output_tokens = usage_hourly.output_tokens + EXCLUDED.output_tokens`;
}

function touchKeys(lastUsed: Map<string, number>): Prisma.Sql {
  const values = Prisma.join([...lastUsed].map(([id, at]) => Prisma.sql`(${id}, ${new Date(at).toISOString()}::timestamp(3))`));
  return Prisma.sql`
    UPDATE api_keys SET last_used_at = v.at
    FROM (VALUES ${values}) AS v(id, at)
    WHERE api_keys.id = v.id AND (api_keys.last_used_at IS NULL OR api_keys.last_used_at < v.at)`;
}
