import type { Database } from '@gguf/db';
import type { Tx } from '../deps';

/** The first instant of the UTC calendar month `now` is in: where token budgets start over. */
export function monthStartUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/**
 * Input + output tokens each key used since the start of this UTC month, as metered into usage_hourly
 * (keys without traffic are 0). One grouped query for a whole page of keys.
 */
export async function usageThisMonth(db: Database | Tx, apiKeyIds: readonly string[], now: Date = new Date()): Promise<Map<string, number>> {
  const usage = new Map<string, number>(apiKeyIds.map((id) => [id, 0]));
  if (apiKeyIds.length === 0) return usage;
  const rows = await db.usageHourly.groupBy({
    by: ['apiKeyId'],
    where: { apiKeyId: { in: [...apiKeyIds] }, hour: { gte: monthStartUtc(now) } },
    _sum: { inputTokens: true, outputTokens: true },
  });
  for (const row of rows) {
    if (row.apiKeyId) usage.set(row.apiKeyId, Number((row._sum.inputTokens ?? 0n) + (row._sum.outputTokens ?? 0n)));
  }
  return usage;
}
