import { listOrganizations } from '@gguf/api';
import { Card, PageHeader } from '../../../../components/card';
import { EmptyState } from '../../../../components/states';
import { formatDateTime } from '../../../../lib/dashboard/format';
import { requireAdminScope } from '../../../../lib/dashboard/session';
import { serverContext } from '../../../../lib/server/context';
import { PlatformHfTokenToggle } from './platform-hf-token-toggle';
import { QuotaForm } from './quota-form';

export default async function AdminOrganizationsPage() {
  const scope = await requireAdminScope();
  const { data } = await listOrganizations(serverContext().deps, scope, { limit: 100 });
  return (
    <div className="space-y-4">
      <PageHeader title="Organizations" description="Tenants and their quotas. Blank gateway limits use the platform default." />
      {data.length === 0 ? <EmptyState title="No organizations yet" /> : null}
      {data.map((org) => (
        <Card
          key={org.id}
          title={
            <span>
              {org.name} <span className="ml-2 font-mono text-xs font-normal text-zinc-500">{org.slug}</span>
            </span>
          }
          actions={<span className="text-xs text-zinc-500">created {formatDateTime(org.created_at)}</span>}
        >
          <QuotaForm org={org} />
          <PlatformHfTokenToggle org={org} />
        </Card>
      ))}
    </div>
  );
}
