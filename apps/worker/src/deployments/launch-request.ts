import { SECRET_COLUMNS, secretLocation } from '@gguf/core';
import type { LaunchRequest } from '@gguf/runtime';
import type { WorkerContext } from '../context';
import type { ServerRun } from '../sync/server-run';
import type { DeploymentLaunchSpec } from './spec';

/** What a runtime needs to start one of the deployment's servers: its settings, where it is placed, its model file, its key (opened here, only). */
export function launchRequest(ctx: WorkerContext, { server, dep: row }: ServerRun, spec: DeploymentLaunchSpec, gpuIndices: number[], modelFile: string): LaunchRequest {
  return {
    deploymentId: row.id,
    serverId: server.id,
    generation: row.generation,
    nodeId: ctx.node.id,
    modelFile,
    llamaArgs: spec.llamaArgs,
    alias: spec.alias,
    contextSize: row.contextSize,
    parallel: row.parallel,
    embeddings: row.embeddings,
    port: server.port,
    gpuIndices,
    apiKey: ctx.secrets.open(row.upstreamSecret, secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, row.id)),
    cpus: serverCpus(spec, ctx.node),
  };
}

/** CPU cores a server may use: its threads when set, else the node's cores shared among its CPU slots. */
function serverCpus(spec: DeploymentLaunchSpec, node: WorkerContext['node']): number {
  return spec.llamaArgs.threads ?? Math.max(1, Math.floor(node.cpuCores / Math.max(1, node.cpuSlots)));
}
