import { listApiKeys, listDeployments } from '@gguf/api';
import { Badge } from '../../../components/badge';
import { PageHeader } from '../../../components/card';
import { ConfirmButton } from '../../../components/confirm-button';
import { EmptyState } from '../../../components/states';
import { Table, Td } from '../../../components/table';
import { formatDateTime } from '../../../lib/dashboard/format';
import { requireOrgScope } from '../../../lib/dashboard/session';
import { serverContext } from '../../../lib/server/context';
import { revokeApiKeyAction } from './actions';
import { CreateKeyForm } from './create-key-form';

export default async function ApiKeysPage() {
  const scope = await requireOrgScope();
  const { deps } = serverContext();
  const [keys, deployments] = await Promise.all([listApiKeys(deps, scope, { limit: 100 }), listDeployments(deps, scope, { limit: 100 })]);
  const names = new Map(deployments.data.map((d) => [d.id, d.name]));
  const canManage = scope.role !== 'member';
  return (
    <div className="space-y-6">
      <PageHeader title="API keys" description="Keys authenticate calls to your deployments through the gateway." />
      {canManage ? (
        <CreateKeyForm deployments={deployments.data.map((d) => ({ id: d.id, name: d.name }))} />
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Creating and revoking keys needs the owner or admin role in this organization.</p>
      )}
      {keys.data.length === 0 ? (
        <EmptyState title="No API keys yet">Create a key above, then use it as the api_key of the OpenAI or Anthropic SDK.</EmptyState>
      ) : (
        <Table head={['Name', 'Key', 'Scope', 'Last used', 'Expires', '']} caption="API keys">
          {keys.data.map((key) => (
            <tr key={key.id} data-testid="key-row">
              <Td className="font-medium">{key.name}</Td>
              <Td>
                <code className="font-mono text-xs">{key.prefix}…</code>
              </Td>
              <Td>
                {key.allowed_models.length === 0 ? (
                  <Badge>All deployments</Badge>
                ) : (
                  <span className="flex flex-wrap gap-1">
                    {key.allowed_models.map((id) => (
                      <Badge key={id} tone="blue">
                        {names.get(id) ?? id}
                      </Badge>
                    ))}
                  </span>
                )}
              </Td>
              <Td className="whitespace-nowrap text-zinc-500">{key.last_used_at ? formatDateTime(key.last_used_at) : 'Never'}</Td>
              <Td className="whitespace-nowrap text-zinc-500">{key.expires_at ? formatDateTime(key.expires_at) : 'Never'}</Td>
              <Td className="text-right">
                {canManage ? (
                  <ConfirmButton
                    label="Revoke"
                    title={`Revoke “${key.name}”?`}
                    body="Every request using this key fails from now on. This cannot be undone."
                    confirmLabel="Revoke key"
                    variant="danger"
                    action={revokeApiKeyAction.bind(null, key.id)}
                  />
                ) : null}
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
