import { listAllDeployments } from '@gguf/api';
import { StatusBadge } from '../../../../components/badge';
import { PageHeader } from '../../../../components/card';
import { EmptyState } from '../../../../components/states';
import { Table, Td } from '../../../../components/table';
import { describeGpus, describeModel, formatDateTime } from '../../../../lib/dashboard/format';
import { requireAdminScope } from '../../../../lib/dashboard/session';
import { serverContext } from '../../../../lib/server/context';

export default async function AdminDeploymentsPage() {
  const scope = await requireAdminScope();
  const { deps, db } = serverContext();
  const { data } = await listAllDeployments(deps, scope, { limit: 100 });
  const orgs = new Map((await db.organization.findMany({ where: { id: { in: [...new Set(data.map((d) => d.org_id))] } }, select: { id: true, name: true } })).map((o) => [o.id, o.name]));
  return (
    <>
      <PageHeader title="All deployments" description="Every organization's deployments, newest first." />
      {data.length === 0 ? (
        <EmptyState title="No deployments on the platform yet" />
      ) : (
        <Table head={['Name', 'Organization', 'Model', 'GPUs', 'Nodes', 'Status', 'Created']} caption="All deployments">
          {data.map((d) => (
            <tr key={d.id}>
              <Td className="font-medium">{d.name}</Td>
              <Td>{orgs.get(d.org_id) ?? d.org_id}</Td>
              <Td>{describeModel(d.model).name}</Td>
              <Td className="whitespace-nowrap">{describeGpus(d.gpu)}</Td>
              <Td>{d.replicas.servers.length > 0 ? [...new Set(d.replicas.servers.map((s) => s.node.name))].join(', ') : '—'}</Td>
              <Td>
                <StatusBadge status={d.status} />
              </Td>
              <Td className="whitespace-nowrap text-zinc-500">{formatDateTime(d.created_at)}</Td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
