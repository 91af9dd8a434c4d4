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

interface Bucket {
  start: Date;
  requests: bigint;
  input_tokens: bigint;
  output_tokens: bigint;
}

/** Requests and tokens of the organization in [from, to), by hour or day, optionally for one deployment or key. */
export async function getUsage(deps: ApiDeps, scope: OrgScope, query: UsageQuery): Promise<UsageReport> {
  const to = query.to ? new Date(query.to) : new Date();
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_RANGE_MS[query.granularity]);
  if (from >= to) throw new ApiError('invalid_request', "Invalid 'from': must be before 'to'.", 'from');
  if (to.getTime() - from.getTime() > MAX_RANGE_MS[query.granularity]) {
    throw new ApiError('invalid_request', `Invalid 'from': a ${query.granularity} report covers at most ${MAX_RANGE_MS[query.granularity] / DAY_MS} days.`, 'from');
  }
  await assertOwned(deps, scope, query);
  const unit = query.granularity === 'hour' ? Prisma.sql`'hour'` : Prisma.sql`'day'`;
  const rows = await deps.db.$queryRaw<Bucket[]>`
    SELECT date_trunc(${unit}, hour) AS start,
           sum(requests)::bigint AS requests,
           sum(input_tokens)::bigint AS input_tokens,
           sum(output_tokens)::bigint AS output_tokens
      FROM usage_hourly
     WHERE org_id = ${scope.orgId} AND hour >= ${from} AND hour < ${to}
       ${query.deployment_id ? Prisma.sql`AND deployment_id = ${query.deployment_id}` : Prisma.empty}
       ${query.api_key_id ? Prisma.sql`AND api_key_id = ${query.api_key_id}` : Prisma.empty}
     GROUP BY 1
     ORDER BY 1`;
  const data = rows.map((row) => ({
    start: row.start.toISOString(),
    requests: Number(row.requests),
    input_tokens: Number(row.input_tokens),
    output_tokens: Number(row.output_tokens),
  }));
  const totals = data.reduce(
    (sum, row) => ({ requests: sum.requests + row.requests, input_tokens: sum.input_tokens + row.input_tokens, output_tokens: sum.output_tokens + row.output_tokens }),
    { requests: 0, input_tokens: 0, output_tokens: 0 },
  );
  return { from: from.toISOString(), to: to.toISOString(), granularity: query.granularity, data, totals };
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
