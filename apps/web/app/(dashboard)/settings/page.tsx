import { getHfTokenSetting } from '@gguf/api';
import { Badge } from '../../../components/badge';
import { Card, PageHeader } from '../../../components/card';
import { requireOrgScope } from '../../../lib/dashboard/session';
import { serverContext } from '../../../lib/server/context';
import { HfTokenForm } from './hf-token-form';

export default async function SettingsPage() {
  const scope = await requireOrgScope();
  const setting = await getHfTokenSetting(serverContext().deps, scope);
  const fallback = setting.platform_hf_token
    ? "Without a token of its own, this organization's downloads use the platform's token (allowed by an administrator)."
    : "Without a token of its own, this organization's downloads are anonymous: public repositories only.";
  return (
    <div className="space-y-6">
      <PageHeader title="Settings" description="Settings of this organization." />
      <Card title="Hugging Face token" actions={<Badge tone={setting.hf_token_set ? 'green' : 'zinc'}>{setting.hf_token_set ? 'A token is set' : 'No token'}</Badge>}>
        <div className="space-y-4">
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Used for this organization&apos;s Hugging Face downloads only, so deployments can use gated or private repositories. {fallback}
          </p>
          {scope.role === 'member' ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">Owners and admins of the organization can set or remove it.</p>
          ) : (
            <HfTokenForm tokenSet={setting.hf_token_set} />
          )}
        </div>
      </Card>
    </div>
  );
}
