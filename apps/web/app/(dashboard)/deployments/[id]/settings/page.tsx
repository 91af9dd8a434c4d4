import { getDeployment } from '@gguf/api';
import { PageHeader } from '../../../../../components/card';
import { listFreeGpuTypes } from '../../../../../lib/dashboard/free-gpus';
import { describeLlamaOptions } from '../../../../../lib/dashboard/llama-options';
import { orNotFound } from '../../../../../lib/dashboard/or-not-found';
import { requireOrgScope } from '../../../../../lib/dashboard/session';
import { serverContext } from '../../../../../lib/server/context';
import { updateDeploymentAction } from '../../actions';
import { DeploymentForm } from '../../deployment-form';
import { formStateOf } from '../../form-state';

export default async function DeploymentSettingsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const scope = await requireOrgScope();
  const deployment = await orNotFound(getDeployment(serverContext().deps, scope, id));
  const gpuTypes = await listFreeGpuTypes();
  return (
    <>
      <PageHeader
        title={`Settings of ${deployment.name}`}
        description="A new model, hardware or serving setting redeploys it; a new name, model name, aliases, replicas, scale to zero or target concurrency take effect at once without one. The base URLs and keys stay the same."
      />
      <DeploymentForm
        gpuTypes={gpuTypes}
        llamaOptions={describeLlamaOptions()}
        initial={formStateOf(deployment)}
        submit={updateDeploymentAction.bind(null, id)}
        submitLabel="Save"
      />
    </>
  );
}
