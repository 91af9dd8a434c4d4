import { type LlamaArgs, llamaArgs, type ModelSource, modelDisplayName, modelSource } from '@gguf/core';
import type { Deployment } from '@gguf/db';

/** The deployment row cannot be turned into a server: retrying cannot fix it, only an edit can. */
export class InvalidDeploymentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidDeploymentError';
  }
}

export interface DeploymentLaunchSpec {
  model: ModelSource;
  llamaArgs: LlamaArgs;
  alias: string;
}

const issuesOf = (error: { issues: { path: PropertyKey[]; message: string }[] }) =>
  error.issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join('; ');

/** Validates what the REST API stored with the same schemas it used, so nothing unchecked reaches a command line. */
export function launchSpecOf(row: Pick<Deployment, 'modelSource' | 'modelRepo' | 'modelFile' | 'modelUrl' | 'modelPath' | 'llamaArgs'>): DeploymentLaunchSpec {
  const model = modelSource.safeParse({
    source: row.modelSource,
    repo: row.modelRepo ?? undefined,
    file: row.modelFile ?? undefined,
    url: row.modelUrl ?? undefined,
    path: row.modelPath ?? undefined,
  });
  if (!model.success) throw new InvalidDeploymentError(`invalid model reference: ${issuesOf(model.error)}`);
  const args = llamaArgs.safeParse(row.llamaArgs ?? {});
  if (!args.success) throw new InvalidDeploymentError(`invalid llama-server options: ${issuesOf(args.error)}`);
  // --alias: /v1/models names the deployment's model.
  return { model: model.data, llamaArgs: args.data, alias: modelDisplayName(model.data) };
}
