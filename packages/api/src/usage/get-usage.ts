import { isId } from '@gguf/core';
import { Prisma } from '@gguf/db';
import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import type { UsageQuery, UsageReport } from './schemas';

const DAY_MS = 24 * 3600 * 1000;
/** Bounds the answer: at most 31 days of hours or 366 days of days. */
const MAX_RANGE_MS = { hour: 31 * DAY_MS, day: 366 * DAY_MS } as const;
const DEFAULT_RANGE_MS = { hour: DAY_MS, day: 30 * DAY_MS } as const;
/** The columns a report may be grouped by, as SQL: only these identifiers ever reach the query. */
const GROUP_COLUMNS: Record<NonNullable<UsageQuery['group_by']>, Prisma.Sql> = {
  deployment_id: Prisma.sql`deployment_id`,
  api_key_id: Prisma.sql`api_key_id`,
  model_name: Prisma.sql`model_name`,
};

interface Counts {
  requests: bigint;
  input_tokens: bigint;
  output_tokens: bigint;
}

const numbers = (row: Counts) => ({ requests: Number(row.requests), input_tokens: Number(row.input_tokens), output_tokens: Number(row.output_tokens) });

/** Requests and tokens of the organization in [from, to), by hour or day, optionally for one deployment, key or model name, optionally grouped by one of them. */
export async function getUsage(deps: ApiDeps, scope: OrgScope, query: UsageQuery): Promise<UsageReport> {
  const to = query.to ? new Date(query.to) : new Date();
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_RANGE_MS[query.granularity]);
  if (from >= to) throw new ApiError('invalid_request', "Invalid 'from': must be before 'to'.", 'from');
  if (to.getTime() - from.getTime() > MAX_RANGE_MS[query.granularity]) {
    throw new ApiError('invalid_request', `Invalid 'from': a ${query.granularity} report covers at most ${MAX_RANGE_MS[query.granularity] / DAY_MS} days.`, 'from');
  }
  await assertOwned(deps, scope, query);
  const unit = query.granularity === 'hour' ? Prisma.sql`'hour'` : Prisma.sql`'day'`;
  const where = Prisma.sql`
     WHERE org_id = ${scope.orgId} AND hour >= ${from} AND hour < ${to}
       ${query.deployment_id ? Prisma.sql`AND deployment_id = ${query.deployment_id}` : Prisma.empty}
       ${query.api_key_id ? Prisma.sql`AND api_key_id = ${query.api_key_id}` : Prisma.empty}
       ${query.model_name !== undefined ? Prisma.sql`AND model_name = ${query.model_name}` : Prisma.empty}`;
  const sums = Prisma.sql`sum(requests)::bigint AS requests, sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens`;
  const rows = await deps.db.$queryRaw<(Counts & { start: Date })[]>`
    SELECT date_trunc(${unit}, hour) AS start, ${sums} FROM usage_hourly ${where} GROUP BY 1 ORDER BY 1`;
  const data = rows.map((row) => ({ start: row.start.toISOString(), ...numbers(row) }));
  const totals = data.reduce(
    (sum, row) => ({ requests: sum.requests + row.requests, input_tokens: sum.input_tokens + row.input_tokens, output_tokens: sum.output_tokens + row.output_tokens }),
    { requests: 0, input_tokens: 0, output_tokens: 0 },
  );
  const report: UsageReport = { from: from.toISOString(), to: to.toISOString(), granularity: query.granularity, data, totals };
  if (!query.group_by) return report;
  const column = GROUP_COLUMNS[query.group_by];
  const groups = await deps.db.$queryRaw<(Counts & { key: string | null })[]>`
    SELECT ${column} AS key, ${sums} FROM usage_hourly ${where} GROUP BY 1 ORDER BY 2 DESC, 1`;
  return { ...report, groups: groups.map((row) => ({ key: row.key, ...numbers(row) })) };
}

/** A filter naming another organization's deployment or key answers 404, exactly like an unknown id. */
async function assertOwned(deps: ApiDeps, scope: OrgScope, query: UsageQuery): Promise<void> {
  if (query.deployment_id !== undefined) {
    const found = isId('deployment', query.deployment_id) && (await deps.db.deployment.count({ where: { id: query.deployment_id, orgId: scope.orgId } })) > 0;
    if (!found) throw ApiError.notFound('deployment', query.deployment_id);
  }
  if (query.api_key_id !== undefined) {
    const found = isId('apiKey', query.api_key_id) && (await deps.db.apiKey.count({ where: { id: query.api_key_id, orgId: scope.orgId } })) > 0;
    if (!found) throw ApiError.notFound('API key', query.api_key_id);
  }
}
