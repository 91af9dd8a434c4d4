import { getDeployment } from '@gguf/api';
import Link from 'next/link';
import { StatusBadge } from '../../../../../components/badge';
import { PageHeader } from '../../../../../components/card';
import { orNotFound } from '../../../../../lib/dashboard/or-not-found';
import { playgroundNotice } from '../../../../../lib/dashboard/playground-notice';
import { requireOrgScope } from '../../../../../lib/dashboard/session';
import { serverContext } from '../../../../../lib/server/context';
import { Playground } from './playground';

export default async function PlaygroundPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const scope = await requireOrgScope();
  const deployment = await orNotFound(getDeployment(serverContext().deps, scope, id));
  return (
    <>
      <PageHeader
        title={`Playground — ${deployment.name}`}
        description={
          <>
            Chats go through the gateway like any client, with a short-lived key made for this page.{' '}
            <Link href={`/deployments/${id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
              Back to the deployment
            </Link>
          </>
        }
        actions={<StatusBadge status={deployment.status} />}
      />
      <Playground deploymentId={id} notice={playgroundNotice(deployment)} />
    </>
  );
}
