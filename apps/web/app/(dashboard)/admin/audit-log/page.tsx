import { auditLogQuery, listAuditLogs } from '@gguf/api';
import Link from 'next/link';
import { Button, buttonClass } from '../../../../components/button';
import { PageHeader } from '../../../../components/card';
import { Field, Input } from '../../../../components/field';
import { EmptyState, ErrorState } from '../../../../components/states';
import { Table, Td } from '../../../../components/table';
import { fieldErrorsOf } from '../../../../lib/dashboard/action-result';
import { formatDateTime } from '../../../../lib/dashboard/format';
import { requireAdminScope } from '../../../../lib/dashboard/session';
import { serverContext } from '../../../../lib/server/context';

type Filters = { org_id?: string; action?: string; cursor?: string };

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<Filters> }) {
  const scope = await requireAdminScope();
  const { org_id, action, cursor } = await searchParams;
  const filters = { ...(org_id ? { org_id } : {}), ...(action ? { action } : {}) };
  const parsed = auditLogQuery.safeParse({ ...filters, ...(cursor ? { cursor } : {}) });
  const page = parsed.success ? await listAuditLogs(serverContext().deps, scope, parsed.data) : null;
  const next = page?.next_cursor ? `/admin/audit-log?${new URLSearchParams({ ...filters, cursor: page.next_cursor })}` : null;
  return (
    <div className="space-y-6">
      <PageHeader title="Audit log" description="Every change made through the API or the dashboard, newest first." />
      <form method="get" className="flex flex-wrap items-end gap-3">
        <Field id="action" label="Action">
          <Input id="action" name="action" defaultValue={action} placeholder="deployment.create" />
        </Field>
        <Field id="org_id" label="Organization id">
          <Input id="org_id" name="org_id" defaultValue={org_id} placeholder="org_…" />
        </Field>
        <Button type="submit" variant="secondary">
          Filter
        </Button>
        {org_id || action ? (
          <Link href="/admin/audit-log" className={buttonClass('ghost')}>
            Clear
          </Link>
        ) : null}
      </form>
      {!parsed.success ? (
        <ErrorState title="Invalid filter" message={Object.entries(fieldErrorsOf(parsed.error)).map(([field, message]) => `${field}: ${message}`).join('; ')} />
      ) : page && page.data.length === 0 ? (
        <EmptyState title="No entries match">Try another action or organization, or clear the filters.</EmptyState>
      ) : (
        <Table head={['When', 'Action', 'Actor', 'Target', 'Organization', 'Details']} caption="Audit log">
          {page?.data.map((entry) => (
            <tr key={entry.id}>
              <Td className="whitespace-nowrap text-zinc-500">{formatDateTime(entry.created_at)}</Td>
              <Td className="font-mono text-xs">{entry.action}</Td>
              <Td className="text-xs">
                {entry.actor_type}
                {entry.actor_id ? <span className="block font-mono text-zinc-500">{entry.actor_id}</span> : null}
              </Td>
              <Td className="text-xs">
                {entry.target_type}
                {entry.target_id ? <span className="block font-mono text-zinc-500">{entry.target_id}</span> : null}
              </Td>
              <Td className="font-mono text-xs">{entry.org_id ?? '—'}</Td>
              <Td>
                <code className="block max-w-xs truncate font-mono text-xs" title={entry.details ? JSON.stringify(entry.details) : undefined}>
                  {entry.details ? JSON.stringify(entry.details) : ''}
                </code>
              </Td>
            </tr>
          ))}
        </Table>
      )}
      {next ? (
        <Link href={next} className={buttonClass('secondary')}>
          Older entries
        </Link>
      ) : null}
    </div>
  );
}
