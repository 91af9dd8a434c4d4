import { getUsage, listApiKeys, listDeployments, type UsageReport } from '@gguf/api';
import Link from 'next/link';
import { BarChart } from '../../../components/bar-chart';
import { buttonClass } from '../../../components/button';
import { Card, PageHeader } from '../../../components/card';
import { EmptyState } from '../../../components/states';
import { Table, Td } from '../../../components/table';
import { formatNumber } from '../../../lib/dashboard/format';
import { requireOrgScope } from '../../../lib/dashboard/session';
import { dailyUsage, toCsv } from '../../../lib/dashboard/usage-series';
import { serverContext } from '../../../lib/server/context';

const RANGES = [7, 30, 90] as const;
const DAY_MS = 86_400_000;

function totalsTable(first: string, rows: { name: string; totals: UsageReport['totals'] }[]) {
  return (
    <Table head={[first, 'Requests', 'Input tokens', 'Output tokens']} numeric={[1, 2, 3]}>
      {rows.length > 0 ? (
        rows.map((row) => totalsRow(row.name, row.totals))
      ) : (
        <tr>
          <Td className="text-zinc-500">None yet.</Td>
        </tr>
      )}
    </Table>
  );
}

function totalsRow(label: string, totals: UsageReport['totals']) {
  return (
    <tr key={label}>
      <Td className="font-medium whitespace-nowrap">{label}</Td>
      <Td className="text-right tabular-nums">{formatNumber(totals.requests)}</Td>
      <Td className="text-right tabular-nums">{formatNumber(totals.input_tokens)}</Td>
      <Td className="text-right tabular-nums">{formatNumber(totals.output_tokens)}</Td>
    </tr>
  );
}

export default async function UsagePage({ searchParams }: { searchParams: Promise<{ days?: string }> }) {
  const { days: asked } = await searchParams;
  const days = RANGES.find((r) => String(r) === asked) ?? 30;
  const scope = await requireOrgScope();
  const { deps } = serverContext();
  const to = new Date();
  const range = { granularity: 'day' as const, from: new Date(to.getTime() - days * DAY_MS).toISOString(), to: to.toISOString() };
  const [report, deployments, keys] = await Promise.all([getUsage(deps, scope, range), listDeployments(deps, scope, { limit: 100 }), listApiKeys(deps, scope, { limit: 100 })]);
  const [byDeployment, byKey] = await Promise.all([
    Promise.all(deployments.data.map(async (d) => ({ name: d.name, totals: (await getUsage(deps, scope, { ...range, deployment_id: d.id })).totals }))),
    Promise.all(keys.data.map(async (k) => ({ name: `${k.name} (${k.prefix}…)`, totals: (await getUsage(deps, scope, { ...range, api_key_id: k.id })).totals }))),
  ]);
  // Playground chats use short-lived keys, and revoked keys are not listed: their traffic is the remainder.
  const other = {
    requests: report.totals.requests - byKey.reduce((sum, k) => sum + k.totals.requests, 0),
    input_tokens: report.totals.input_tokens - byKey.reduce((sum, k) => sum + k.totals.input_tokens, 0),
    output_tokens: report.totals.output_tokens - byKey.reduce((sum, k) => sum + k.totals.output_tokens, 0),
  };
  if (other.requests > 0) byKey.push({ name: 'Playground and revoked keys', totals: other });
  const rows = dailyUsage(report);
  const labels = rows.map((r) => r.day.slice(5));
  const csv = toCsv(['day', 'requests', 'input_tokens', 'output_tokens'], rows.map((r) => [r.day, r.requests, r.input_tokens, r.output_tokens]));

  return (
    <div className="space-y-6">
      <PageHeader
        title="Usage"
        description="Requests and tokens through the gateway, per UTC day."
        actions={
          <>
            <nav aria-label="Range" className="flex gap-1">
              {RANGES.map((r) => (
                <Link key={r} href={`/usage?days=${r}`} aria-current={r === days ? 'page' : undefined} className={buttonClass(r === days ? 'primary' : 'secondary', 'sm')}>
                  {r} days
                </Link>
              ))}
            </nav>
            <a href={`data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`} download={`usage-${days}d.csv`} className={buttonClass('secondary', 'sm')}>
              Export CSV
            </a>
          </>
        }
      />
      <div className="grid gap-4 sm:grid-cols-3">
        {(
          [
            ['Requests', report.totals.requests],
            ['Input tokens', report.totals.input_tokens],
            ['Output tokens', report.totals.output_tokens],
          ] as const
        ).map(([label, value]) => (
          <Card key={label}>
            <p className="text-sm text-zinc-500">{label}</p>
            <p className="mt-1 text-2xl font-semibold tabular-nums">{formatNumber(value)}</p>
          </Card>
        ))}
      </div>
      {report.totals.requests === 0 ? (
        <EmptyState title="No traffic in this period">Calls to your deployments through the gateway are counted here within a minute.</EmptyState>
      ) : (
        <div className="grid gap-6 lg:grid-cols-2">
          <Card title="Requests per day">
            <BarChart title="Requests per day" labels={labels} series={[{ name: 'Requests', fillClass: 'fill-indigo-500', values: rows.map((r) => r.requests) }]} />
          </Card>
          <Card title="Tokens per day">
            <BarChart
              title="Input and output tokens per day"
              labels={labels}
              series={[
                { name: 'Input tokens', fillClass: 'fill-sky-400', values: rows.map((r) => r.input_tokens) },
                { name: 'Output tokens', fillClass: 'fill-violet-500', values: rows.map((r) => r.output_tokens) },
              ]}
            />
          </Card>
        </div>
      )}
      {/* Side by side only where both tables fit whole; below that, one above the other. */}
      <div className="grid gap-6 2xl:grid-cols-2">
        <Card title="By deployment">
          {totalsTable('Deployment', byDeployment)}
        </Card>
        <Card title="By API key">
          {totalsTable('Key', byKey)}
        </Card>
      </div>
      {report.totals.requests > 0 ? (
        <Card title="Per day">
          {totalsTable(
            'Day',
            rows
              .filter((r) => r.requests > 0)
              .reverse()
              .map((r) => ({ name: r.day, totals: r })),
          )}
        </Card>
      ) : null}
    </div>
  );
}
