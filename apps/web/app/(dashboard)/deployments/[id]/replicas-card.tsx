import type { DeploymentObject } from '@gguf/api';
import { ServerStatusBadge } from '../../../../components/badge';
import { Card } from '../../../../components/card';
import { Table, Td } from '../../../../components/table';
import { formatDateTime, formatNumber } from '../../../../lib/dashboard/format';

type Shown = Pick<DeploymentObject, 'status' | 'replicas' | 'parallel' | 'target_concurrency'>;

/** Why no server is listed, in the deployment's own terms. */
function noServers(d: Shown): string {
  if (d.status === 'sleeping') return 'None: it sleeps, and the next request starts one.';
  if (d.status === 'stopped' || d.status === 'failed') return 'None: it is not running.';
  return 'None yet: the worker is placing it on a node.';
}

/** The servers running the deployment: on which node, how far along, how busy, how often restarted. */
export function ReplicasCard({ deployment: d }: { deployment: Shown }) {
  const target = d.target_concurrency ?? d.parallel;
  const summary = [
    d.replicas.inflight === null ? null : `${formatNumber(d.replicas.inflight)} ${d.replicas.inflight === 1 ? 'request' : 'requests'} in flight`,
    `${d.replicas.min === d.replicas.max ? d.replicas.max : `${d.replicas.min} to ${d.replicas.max}`} ${d.replicas.max === 1 ? 'server' : 'servers'}`,
    `busy at ${formatNumber(target)} in flight per server${d.target_concurrency === null ? ' (its parallel slots)' : ''}`,
  ].filter(Boolean);
  return (
    <Card title="Replicas">
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400" data-testid="replicas-summary">
        {summary.join(' · ')}
      </p>
      {d.replicas.servers.length === 0 ? (
        <p className="text-sm text-zinc-500">{noServers(d)}</p>
      ) : (
        <Table head={['Node', 'Status', 'In flight', 'Restarts', 'Ready since']} caption="Servers running this deployment" numeric={[2, 3]}>
          {d.replicas.servers.map((server) => (
            <tr key={server.id} data-testid="replica" data-server-id={server.id}>
              <Td className="font-mono text-xs">{server.node.name}</Td>
              <Td>
                <ServerStatusBadge status={server.status} />
              </Td>
              <Td className="text-right tabular-nums">{server.inflight === null ? <span title="Unknown: the gateways' counts cannot be read now">—</span> : formatNumber(server.inflight)}</Td>
              <Td className="text-right tabular-nums">{formatNumber(server.restarts)}</Td>
              <Td className="whitespace-nowrap text-zinc-500">{formatDateTime(server.ready_at)}</Td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}
