import type { DeploymentStatus, ModelSource } from '@gguf/core';
import type { Deployment } from '@gguf/db';
import type { WorkerContext } from '../context';
import { noteDeployment } from '../deployments/apply-transition';
import { DownloadError } from './download';
import { formatSize } from '@gguf/core';
import { progressReporter } from './progress-reporter';
import { ModelRefusedError } from './library';
import type { LocatedModel } from './node-models';

/** What preparing a deployment's model came to. */
export type ModelPreparation =
  | { kind: 'ready'; model: LocatedModel }
  /** It can never be used as configured (refused URL, missing library file, not GGUF, too large, 404…): fail the deployment. */
  | { kind: 'refused'; reason: 'model_not_found' | 'download_failed'; message: string }
  /** The worker is stopping: hand the job back; the partial download resumes on the next worker. */
  | { kind: 'handback' };


/**
 * Finds the deployment's model file on the node, downloading it first when it is not there yet,
 * while the deployment shows `pulling` (or `starting`, when a cached file went missing) with the
 * bytes and percentage so far. A transient download failure throws, so the job retries with
 * backoff and resumes the download; on the last attempt it fails the deployment instead.
 */
export async function prepareModel(ctx: WorkerContext, row: Deployment, model: ModelSource, status: DeploymentStatus, signal: AbortSignal, final: boolean): Promise<ModelPreparation> {
  try {
    const found = await ctx.models.locate(row.orgId, model);
    if (found) return { kind: 'ready', model: found };
    if (model.source === 'local') throw new ModelRefusedError('model file not found in the library');
    const name = (model.source === 'huggingface' ? model.file : new URL(model.url).pathname).split('/').pop();
    const report = progressReporter(ctx, row, status, name ?? 'the model');
    const started = Date.now();
    const downloaded = await ctx.models.download(row.orgId, model, { signal, onProgress: report.progress }).finally(report.stop);
    await noteDeployment(ctx, {
      deploymentId: row.id,
      type: 'download',
      message: `downloaded ${name} (${formatSize(downloaded.bytes)}, sha256 ${downloaded.sha256}) in ${Math.max(1, Math.round((Date.now() - started) / 1000))}s`,
      data: { file: name, bytes: downloaded.bytes, sha256: downloaded.sha256 },
    });
    return { kind: 'ready', model: downloaded };
  } catch (error) {
    if (signal.aborted) return { kind: 'handback' };
    if (error instanceof ModelRefusedError) return { kind: 'refused', reason: 'model_not_found', message: error.message };
    if (error instanceof DownloadError && (error.permanent || final)) return { kind: 'refused', reason: 'download_failed', message: error.message };
    if (error instanceof DownloadError) {
      await noteDeployment(ctx, { deploymentId: row.id, type: 'download', message: `${error.message}; will retry` }).catch(() => undefined);
    }
    throw error;
  }
}

/** Whether the model is on the node already (a refused one counts: preparing it says why, without a detour through `pulling`). */
export function modelOnNode(ctx: WorkerContext, orgId: string, model: ModelSource): Promise<boolean> {
  return ctx.models.locate(orgId, model).then(Boolean, (error: unknown) => {
    if (error instanceof ModelRefusedError) return true;
    throw error;
  });
}
