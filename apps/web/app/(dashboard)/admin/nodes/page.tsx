import { listAllDeployments, listNodes } from '@gguf/api';
import Link from 'next/link';
import { AutoRefresh } from '../../../../components/auto-refresh';
import { Badge } from '../../../../components/badge';
import { Card, PageHeader } from '../../../../components/card';
import { ConfirmButton } from '../../../../components/confirm-button';
import { EmptyState } from '../../../../components/states';
import { Table, Td } from '../../../../components/table';
import { formatDateTime } from '../../../../lib/dashboard/format';
import { requireAdminScope } from '../../../../lib/dashboard/session';
import { serverContext } from '../../../../lib/server/context';
import { nodeAction } from './actions';
import { IsolationBadge, IsolationWarning } from './node-isolation';
import { NodeLibrary } from './node-library';
import { RegisterNodeForm } from './register-node-form';

export default async function AdminNodesPage() {
  const scope = await requireAdminScope();
  const { deps } = serverContext();
  const [nodes, deployments] = await Promise.all([listNodes(deps, scope, { limit: 100 }), listAllDeployments(deps, scope, { limit: 100 })]);
  const names = new Map(deployments.data.map((d) => [d.id, d.name]));
  return (
    <div className="space-y-6">
      <PageHeader title="Nodes" description="Every node that runs deployments: how it isolates tenants, its GPUs and what runs on each, and the models of its library." />
      <AutoRefresh active intervalMs={10_000} />
      {nodes.data.length === 0 ? (
        <EmptyState title="No nodes yet">A node appears here when its worker starts and registers, or when you register one below.</EmptyState>
      ) : null}
      {nodes.data.map((node) => (
        <Card
          key={node.id}
          title={
            <span className="flex flex-wrap items-center gap-2" data-testid="node-name">
              {node.name}
              <Badge tone={node.status === 'ready' ? 'green' : 'red'}>{node.status}</Badge>
              {node.cordoned ? <Badge tone="yellow">{node.draining_at ? 'draining' : 'cordoned'}</Badge> : null}
              <Badge>{node.runtime_kind}</Badge>
              <IsolationBadge isolation={node.isolation} />
            </span>
          }
          actions={
            <div className="flex gap-2">
              {node.cordoned ? (
                <ConfirmButton label="Uncordon" title={`Uncordon ${node.name}?`} body="New deployments may be placed on this node again." confirmLabel="Uncordon" action={nodeAction.bind(null, node.id, 'uncordon')} />
              ) : (
                <ConfirmButton label="Cordon" title={`Cordon ${node.name}?`} body="No new deployments are placed here; running ones stay." confirmLabel="Cordon" action={nodeAction.bind(null, node.id, 'cordon')} />
              )}
              <ConfirmButton
                label="Remove"
                title={`Remove ${node.name}?`}
                body="The node leaves the platform. This is refused while servers still run on it: drain it first."
                confirmLabel="Remove node"
                variant="danger"
                action={nodeAction.bind(null, node.id, 'delete')}
              />
              <ConfirmButton
                label="Drain"
                title={`Drain ${node.name}?`}
                body="The node is cordoned and every server on it is moved to another node; a deployment's servers on other nodes keep serving."
                confirmLabel="Drain"
                variant="danger"
                action={nodeAction.bind(null, node.id, 'drain')}
              />
            </div>
          }
        >
          <IsolationWarning node={node} />
          <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
            {node.address} · {node.servers} {node.servers === 1 ? 'server' : 'servers'} · ports {node.port_range.start}–{node.port_range.end} · {node.cpu_cores === null ? 'CPU cores not reported yet' : `${node.cpu_cores} CPU cores`} · {node.cpu_slots} CPU
            slots · last heartbeat {formatDateTime(node.heartbeat_at)}
          </p>
          {node.gpus.length === 0 ? (
            <p className="text-sm text-zinc-500">No GPUs.</p>
          ) : (
            <Table head={['GPU', 'Type', 'Memory', 'Running']} caption={`GPUs of ${node.name}`}>
              {node.gpus.map((gpu) => (
                <tr key={gpu.index}>
                  <Td>#{gpu.index}</Td>
                  <Td>{gpu.type}</Td>
                  <Td className="tabular-nums">{(gpu.memory_mb / 1024).toFixed(1)} GB</Td>
                  <Td>
                    {gpu.deployment_id ? (
                      <span className="font-mono text-xs">{names.get(gpu.deployment_id) ?? gpu.deployment_id}</span>
                    ) : (
                      <span className="text-zinc-500">free</span>
                    )}
                  </Td>
                </tr>
              ))}
            </Table>
          )}
          <div className="mt-4">
            <NodeLibrary node={node} />
          </div>
        </Card>
      ))}
      <RegisterNodeForm />
      <p className="text-sm text-zinc-500">
        See <Link href="/admin/deployments" className="text-indigo-600 hover:underline dark:text-indigo-400">all deployments</Link> for what runs on CPU.
      </p>
    </div>
  );
}
