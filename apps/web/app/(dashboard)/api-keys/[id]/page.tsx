import { getApiKey, listModels } from '@gguf/api';
import Link from 'next/link';
import { BudgetBar } from '../../../../components/budget-bar';
import { Card, PageHeader } from '../../../../components/card';
import { formatDateTime } from '../../../../lib/dashboard/format';
import { orNotFound } from '../../../../lib/dashboard/or-not-found';
import { requireOrgScope } from '../../../../lib/dashboard/session';
import { serverContext } from '../../../../lib/server/context';
import { EditKeyForm } from './edit-key-form';

/** One key: its use this month, and (owners and admins) its name, allowed models and limits to change. */
export default async function ApiKeyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const scope = await requireOrgScope();
  const { deps } = serverContext();
  const [key, models] = await Promise.all([orNotFound(getApiKey(deps, scope, id)), listModels(deps, scope)]);
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-zinc-500">
          <Link href="/api-keys" className="hover:underline">
            API keys
          </Link>{' '}
          /
        </p>
        <PageHeader
          title={key.name}
          description={
            <>
              <code className="font-mono">{key.prefix}…</code> · created {formatDateTime(key.created_at)} · last used {key.last_used_at ? formatDateTime(key.last_used_at) : 'never'} · expires{' '}
              {key.expires_at ? formatDateTime(key.expires_at) : 'never'}
            </>
          }
        />
      </div>
      <Card title="Tokens this month">
        <BudgetBar used={key.usage_this_month} budget={key.token_budget} />
      </Card>
      {scope.role === 'member' ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Changing a key needs the owner or admin role in this organization.</p>
      ) : (
        <EditKeyForm apiKey={key} orgModels={models.data.map((m) => ({ modelName: m.model_name, deploymentName: m.deployment_name }))} />
      )}
    </div>
  );
}
