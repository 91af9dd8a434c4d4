import { type LlamaArgs, type ModelSource } from '@gguf/core';
import type { Deployment } from '@gguf/db';
import type { Replicas } from './load-replicas';
import type { AdminDeploymentObject, DeploymentObject, DownloadProgress } from './schemas';
import { serializeAdminReplicaServers, serializeReplicaServers } from './serialize-replicas';

/** The model reference as columns, and back: the API shows the same union the request took. */
export function modelColumns(model: ModelSource) {
  return {
    modelSource: model.source,
    modelRepo: model.source === 'huggingface' ? model.repo : null,
    modelFile: model.source === 'huggingface' ? model.file : null,
    modelUrl: model.source === 'url' ? model.url : null,
    modelPath: model.source === 'local' ? model.path : null,
  };
}

function modelOf(row: Deployment): ModelSource {
  switch (row.modelSource) {
    case 'huggingface':
      return { source: 'huggingface', repo: row.modelRepo ?? '', file: row.modelFile ?? '' };
    case 'url':
      return { source: 'url', url: row.modelUrl ?? '' };
    case 'local':
      return { source: 'local', path: row.modelPath ?? '' };
  }
}

export function deploymentBaseUrl(publicGatewayUrl: string, id: string): string {
  return `${publicGatewayUrl}/api/gguf/${id}`;
}

/**
 * The worker's progress while it downloads the model: only in `pulling`, where the worker keeps
 * pull_bytes current (a stale count from an earlier attempt means nothing in any other status).
 * The percent is rounded down, as in the status message, so 100 means the last byte arrived.
 */
export function downloadProgressOf(row: Pick<Deployment, 'status' | 'pullBytes' | 'pullTotalBytes'>): DownloadProgress | null {
  if (row.status !== 'pulling' || row.pullBytes === null) return null;
  const bytes = Number(row.pullBytes);
  const total = row.pullTotalBytes === null ? null : Number(row.pullTotalBytes);
  const percent = total === null || total <= 0 ? null : Math.min(100, Math.floor((100 * bytes) / total));
  return { bytes, total_bytes: total, percent };
}

/** The deployment as its organization sees it; `replicas` from loadReplicas. */
export function serializeDeployment(row: Deployment, replicas: Replicas, publicGatewayUrl: string): DeploymentObject {
  const baseUrl = deploymentBaseUrl(publicGatewayUrl, row.id);
  return {
    id: row.id,
    name: row.name,
    model_name: row.modelName,
    model_aliases: row.modelAliases,
    status: row.status,
    desired_state: row.desiredState,
    status_message: row.statusMessage,
    model: modelOf(row),
    gpu: { count: row.gpuCount, type: row.gpuType },
    context_size: row.contextSize,
    parallel: row.parallel,
    embeddings: row.embeddings,
    llama_args: row.llamaArgs as LlamaArgs,
    replicas: { min: row.replicasMin, max: row.replicasMax, inflight: replicas.inflight, servers: serializeReplicaServers(replicas) },
    scale_down_after_s: row.scaleDownAfterS,
    wake_timeout_s: row.wakeTimeoutS,
    target_concurrency: row.targetConcurrency,
    generation: row.generation,
    base_url: baseUrl,
    openai_base_url: `${baseUrl}/v1`,
    model_sha256: row.modelSha256,
    // Model files stay far below 2^53 bytes, where a JSON number is exact.
    model_bytes: row.modelBytes === null ? null : Number(row.modelBytes),
    download: downloadProgressOf(row),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function serializeAdminDeployment(row: Deployment, replicas: Replicas, publicGatewayUrl: string): AdminDeploymentObject {
  const tenantView = serializeDeployment(row, replicas, publicGatewayUrl);
  return { ...tenantView, org_id: row.orgId, replicas: { ...tenantView.replicas, servers: serializeAdminReplicaServers(replicas) } };
}
