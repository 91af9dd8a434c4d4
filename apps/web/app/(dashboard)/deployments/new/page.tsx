import { PageHeader } from '../../../../components/card';
import { listFreeGpuTypes } from '../../../../lib/dashboard/free-gpus';
import { describeLlamaOptions } from '../../../../lib/dashboard/llama-options';
import { requireOrgScope } from '../../../../lib/dashboard/session';
import { createDeploymentAction } from '../actions';
import { DeploymentForm } from '../deployment-form';

export default async function NewDeploymentPage() {
  await requireOrgScope();
  const gpuTypes = await listFreeGpuTypes();
  return (
    <>
      <PageHeader title="New deployment" description="Pick a GGUF model and the hardware to run it on. It starts as soon as you create it." />
      <DeploymentForm gpuTypes={gpuTypes} llamaOptions={describeLlamaOptions()} submit={createDeploymentAction} submitLabel="Create deployment" />
    </>
  );
}
