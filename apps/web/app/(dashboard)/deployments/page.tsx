import { listDeployments } from '@gguf/api';
import Link from 'next/link';
import { AutoRefresh } from '../../../components/auto-refresh';
import { StatusBadge } from '../../../components/badge';
import { buttonClass } from '../../../components/button';
import { DownloadProgressBar } from '../../../components/download-progress';
import { PageHeader } from '../../../components/card';
import { EmptyState } from '../../../components/states';
import { Table, Td } from '../../../components/table';
import { describeGpus, describeModel, formatDateTime, isSettling, statusNote } from '../../../lib/dashboard/format';
import { requireOrgScope } from '../../../lib/dashboard/session';
import { serverContext } from '../../../lib/server/context';

export default async function DeploymentsPage() {
  const scope = await requireOrgScope();
  const { data } = await listDeployments(serverContext().deps, scope, { limit: 100 });
  const newButton = (
    <Link href="/deployments/new" className={buttonClass()}>
      New deployment
    </Link>
  );
  return (
    <>
      <PageHeader title="Deployments" description="Each deployment serves one GGUF model behind its own base URL." actions={data.length > 0 ? newButton : null} />
      <AutoRefresh active={data.some((d) => isSettling(d.status))} />
      {data.length === 0 ? (
        <EmptyState title="No deployments yet" action={newButton}>
          Deploy a GGUF model from Hugging Face, a URL or the model store, then call it with the OpenAI or Anthropic SDK.
        </EmptyState>
      ) : (
        <Table head={['Name', 'Model', 'GPUs', 'Status', 'Created', '']} caption="Deployments">
          {data.map((d) => {
            const model = describeModel(d.model);
            return (
              <tr key={d.id} data-testid="deployment-row">
                <Td className="whitespace-nowrap">
                  <Link href={`/deployments/${d.id}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                    {d.name}
                  </Link>
                </Td>
                <Td className="whitespace-nowrap">
                  <span title={model.detail}>{model.name}</span>
                </Td>
                <Td className="whitespace-nowrap">{describeGpus(d.gpu)}</Td>
                <Td>
                  <StatusBadge status={d.status} />
                  {d.status === 'pulling' ? <DownloadProgressBar download={d.download} compact /> : null}
                  {statusNote(d.status) ? <p className="mt-1 text-xs whitespace-nowrap text-zinc-500">{statusNote(d.status)}</p> : null}
                </Td>
                <Td className="whitespace-nowrap text-zinc-500">{formatDateTime(d.created_at)}</Td>
                <Td className="text-right whitespace-nowrap">
                  <Link href={`/deployments/${d.id}/playground`} className={buttonClass('ghost', 'sm')}>
                    Playground
                  </Link>
                  <Link href={`/deployments/${d.id}`} className={buttonClass('secondary', 'sm')}>
                    Open
                  </Link>
                </Td>
              </tr>
            );
          })}
        </Table>
      )}
    </>
  );
}
