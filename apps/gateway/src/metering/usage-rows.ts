import { Prisma } from '@gguf/db';

/** One finished request's usage, as the meter is told of it. */
export interface UsageRecord {
  apiKeyId: string;
  deploymentId: string;
  orgId: string;
  /** The model name the caller asked for (on a deployment's own URL, the deployment's model name). */
  modelName: string;
  inputTokens: number;
  outputTokens: number;
}

/** usage_hourly's grain: key × deployment × model name × UTC hour. */
export interface UsageRow {
  apiKeyId: string;
  deploymentId: string;
  orgId: string;
  modelName: string;
  /** Start of the UTC hour, ISO text. */
  hour: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

/** Longer names are cut: a caller's model string must not become a row key of any size (or one no index takes). */
const MAX_MODEL_NAME_LENGTH = 256;
/** No request uses this many tokens; a larger count from an upstream is clamped rather than allowed to fail a batch. */
const MAX_TOKENS = 1e12;
const HOUR_MS = 3_600_000;

const tokens = (n: number) => (Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), MAX_TOKENS) : 0);

/** What the meter keeps of a record: model name and counts within what Postgres always takes. */
export function sanitizeUsage(usage: UsageRecord): UsageRecord {
  const modelName = usage.modelName.length > MAX_MODEL_NAME_LENGTH ? usage.modelName.slice(0, MAX_MODEL_NAME_LENGTH) : usage.modelName;
  return { ...usage, modelName, inputTokens: tokens(usage.inputTokens), outputTokens: tokens(usage.outputTokens) };
}

/** Usage summed per usage_hourly row, ready for one upsert. */
export class UsageRows {
  private rows = new Map<string, UsageRow>();
  private hourStart = -1;
  private hourLabel = '';

  get size(): number {
    return this.rows.size;
  }

  add(usage: UsageRecord, at: number): void {
    this.merge({ ...usage, hour: this.hourOf(at), requests: 1 });
  }

  merge(row: UsageRow): void {
    // Ids and the hour never contain `|`; the model name, which may, comes last, so the id is unambiguous.
    const id = `${row.apiKeyId}|${row.deploymentId}|${row.hour}|${row.modelName}`;
    const existing = this.rows.get(id);
    if (!existing) {
      this.rows.set(id, { ...row });
      return;
    }
    existing.requests += row.requests;
    existing.inputTokens += row.inputTokens;
    existing.outputTokens += row.outputTokens;
  }

  /** The rows summed so far; starts over empty. */
  take(): UsageRow[] {
    const rows = [...this.rows.values()];
    this.rows = new Map();
    return rows;
  }

  /** Drops the oldest rows beyond `max`; returns how many were dropped. */
  trim(max: number): number {
    const drop = this.rows.size - max;
    if (drop <= 0) return 0;
    for (const id of [...this.rows.keys()].slice(0, drop)) this.rows.delete(id);
    return drop;
  }

  /** Start of the UTC hour as ISO text, formatted once per hour rather than once per request. */
  private hourOf(at: number): string {
    const start = at - (at % HOUR_MS);
    if (start !== this.hourStart) {
      this.hourStart = start;
      this.hourLabel = new Date(start).toISOString();
    }
    return this.hourLabel;
  }
}

/** Adds rows to usage_hourly in one statement; rows whose key or deployment has since been deleted are skipped by the join. */
export function upsertUsage(rows: UsageRow[]): Prisma.Sql {
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
