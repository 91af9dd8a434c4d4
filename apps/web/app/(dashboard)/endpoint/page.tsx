import { getCurrentOrganization, listModels, type OrganizationModelObject } from '@gguf/api';
import { isGlob } from '@gguf/core';
import Link from 'next/link';
import { Badge, StatusBadge } from '../../../components/badge';
import { BaseUrls } from '../../../components/base-urls';
import { buttonClass } from '../../../components/button';
import { Card, PageHeader } from '../../../components/card';
import { EmptyState } from '../../../components/states';
import { Table, Td } from '../../../components/table';
import { requireOrgScope } from '../../../lib/dashboard/session';
import { serverContext } from '../../../lib/server/context';
import { DefaultDeploymentForm } from './default-deployment-form';
import { EndpointSnippets } from './endpoint-snippets';

/** Names a caller can send as `model` as they are (globs only match), the default deployment's first. */
function callableNames(models: OrganizationModelObject[]): string[] {
  const ordered = [...models].sort((a, b) => Number(b.default) - Number(a.default));
  return [...new Set(ordered.flatMap((m) => [m.model_name, ...m.model_aliases.filter((alias) => !isGlob(alias))]))];
}

export default async function EndpointPage() {
  const scope = await requireOrgScope();
  const { deps } = serverContext();
  const [endpoint, models] = await Promise.all([getCurrentOrganization(deps, scope), listModels(deps, scope)]);
  const canManage = scope.role !== 'member';
  const fallback = models.data.find((m) => m.default);
  return (
    <div className="space-y-6">
      <PageHeader title="Endpoint" description="One base URL for all of the organization's models: the request's model picks the deployment." />

      <Card title="Base URLs">
        <BaseUrls urls={endpoint} testIdPrefix="org-" note={<><code>GET …/v1/models</code> lists the models the key may use.</>} />
      </Card>

      <Card title="Models">
        <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
          A request&apos;s <code>model</code> is matched against the model names first, then exact aliases, then the most specific glob, then the default deployment; anything else answers
          404. Set names and aliases in each deployment&apos;s settings.
        </p>
        {models.data.length === 0 ? (
          <EmptyState
            title="No models yet"
            action={
              <Link href="/deployments/new" className={buttonClass()}>
                New deployment
              </Link>
            }
          >
            Every deployment is a model here, by its model name.
          </EmptyState>
        ) : (
          <Table head={['Model name', 'Aliases', 'Deployment', 'Status', '']} caption="Models">
            {models.data.map((m) => (
              <tr key={m.deployment_id} data-testid="model-row">
                <Td className="whitespace-nowrap">
                  <code className="font-mono font-medium">{m.model_name}</code>
                </Td>
                <Td>
                  {m.model_aliases.length === 0 ? (
                    <span className="text-zinc-500">—</span>
                  ) : (
                    <span className="flex flex-wrap gap-1">
                      {m.model_aliases.map((alias) => (
                        <Badge key={alias} tone={isGlob(alias) ? 'zinc' : 'blue'}>
                          <code className="font-mono">{alias}</code>
                        </Badge>
                      ))}
                    </span>
                  )}
                </Td>
                <Td className="whitespace-nowrap">
                  <Link href={`/deployments/${m.deployment_id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                    {m.deployment_name}
                  </Link>
                </Td>
                <Td>
                  <StatusBadge status={m.status} />
                </Td>
                <Td>{m.default ? <Badge tone="green">Default</Badge> : null}</Td>
              </tr>
            ))}
          </Table>
        )}
        <div className="mt-5 border-t border-zinc-200 pt-4 dark:border-zinc-800">
          {canManage ? (
            <DefaultDeploymentForm
              deployments={models.data.map((m) => ({ id: m.deployment_id, label: `${m.model_name} (${m.deployment_name})` }))}
              current={fallback?.deployment_id ?? null}
            />
          ) : (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              Default deployment: {fallback ? <code>{fallback.model_name}</code> : 'none (unknown names answer 404)'}. Owners and admins change it.
            </p>
          )}
        </div>
      </Card>

      <Card title="Examples">
        <EndpointSnippets endpoint={endpoint} models={callableNames(models.data)} />
      </Card>
    </div>
  );
}
