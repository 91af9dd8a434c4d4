import { type ApiKeyObject, listApiKeys, listModels } from '@gguf/api';
import { isId } from '@gguf/core';
import Link from 'next/link';
import { Badge } from '../../../components/badge';
import { BudgetBar } from '../../../components/budget-bar';
import { buttonClass } from '../../../components/button';
import { PageHeader } from '../../../components/card';
import { ConfirmButton } from '../../../components/confirm-button';
import { EmptyState } from '../../../components/states';
import { Table, Td } from '../../../components/table';
import { formatDateTime, formatNumber } from '../../../lib/dashboard/format';
import { requireOrgScope } from '../../../lib/dashboard/session';
import { serverContext } from '../../../lib/server/context';
import { revokeApiKeyAction } from './actions';
import { CreateKeyForm } from './create-key-form';

/** A key's own limits in a few words; the organization's apply on top. */
function describeLimits(key: ApiKeyObject): string {
  const parts = [
    key.rate_limit_rpm === null ? null : `${formatNumber(key.rate_limit_rpm)} / min`,
    key.max_concurrent_streams === null ? null : `${formatNumber(key.max_concurrent_streams)} ${key.max_concurrent_streams === 1 ? 'stream' : 'streams'}`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : '—';
}

export default async function ApiKeysPage() {
  const scope = await requireOrgScope();
  const { deps } = serverContext();
  const [keys, models] = await Promise.all([listApiKeys(deps, scope, { limit: 100 }), listModels(deps, scope)]);
  // Keys made before model names may still name deployments by id.
  const deploymentNames = new Map(models.data.map((m) => [m.deployment_id, m.deployment_name]));
  const canManage = scope.role !== 'member';
  return (
    <div className="space-y-6">
      <PageHeader title="API keys" description="Keys authenticate calls through the gateway, each with the models it may call and limits of its own." />
      {canManage ? (
        <CreateKeyForm orgModels={models.data.map((m) => ({ modelName: m.model_name, deploymentName: m.deployment_name }))} />
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Creating, changing and revoking keys needs the owner or admin role in this organization.</p>
      )}
      {keys.data.length === 0 ? (
        <EmptyState title="No API keys yet">Create a key above, then use it as the api_key of the OpenAI or Anthropic SDK.</EmptyState>
      ) : (
        <Table head={['Key', 'Models', 'Limits', 'Tokens this month', 'Last used', 'Expires', '']} caption="API keys">
          {keys.data.map((key) => (
            <tr key={key.id} data-testid="key-row">
              <Td>
                <p className="font-medium whitespace-nowrap">{key.name}</p>
                <code className="font-mono text-xs text-zinc-500">{key.prefix}…</code>
              </Td>
              <Td>
                {key.allowed_models.length === 0 ? (
                  <Badge>All models</Badge>
                ) : (
                  <span className="flex max-w-64 flex-wrap gap-1">
                    {key.allowed_models.map((entry) => (
                      <Badge key={entry} tone="blue">
                        {isId('deployment', entry) ? (deploymentNames.get(entry) ?? entry) : <code className="font-mono">{entry}</code>}
                      </Badge>
                    ))}
                  </span>
                )}
              </Td>
              <Td className="whitespace-nowrap text-zinc-600 tabular-nums dark:text-zinc-400">{describeLimits(key)}</Td>
              <Td>
                <BudgetBar used={key.usage_this_month} budget={key.token_budget} />
              </Td>
              <Td className="whitespace-nowrap text-zinc-500">{key.last_used_at ? formatDateTime(key.last_used_at) : 'Never'}</Td>
              <Td className="whitespace-nowrap text-zinc-500">{key.expires_at ? formatDateTime(key.expires_at) : 'Never'}</Td>
              <Td className="text-right whitespace-nowrap">
                {canManage ? (
                  <span className="inline-flex gap-2">
                    <Link href={`/api-keys/${key.id}`} className={buttonClass('secondary', 'sm')} aria-label={`Edit ${key.name}`}>
                      Edit
                    </Link>
                    <ConfirmButton
                      label="Revoke"
                      title={`Revoke “${key.name}”?`}
                      body="Every request using this key fails from now on. This cannot be undone."
                      confirmLabel="Revoke key"
                      variant="danger"
                      action={revokeApiKeyAction.bind(null, key.id)}
                    />
                  </span>
                ) : null}
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
