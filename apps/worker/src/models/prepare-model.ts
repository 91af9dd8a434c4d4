import type { DeploymentStatus, ModelSource } from '@gguf/core';
import type { Deployment } from '@gguf/db';
import type { WorkerContext } from '../context';
import { noteDeployment } from '../deployments/apply-transition';
import { DownloadError, type DownloadProgress } from './download';
import { formatSize } from './download-error';
import { ModelRefusedError } from './library';
import type { LocatedModel } from './node-models';

/** What preparing a deployment's model came to. */
export type ModelPreparation =
  | { kind: 'ready'; model: LocatedModel }
  /** It can never be used as configured (refused URL, missing library file, not GGUF, too large, 404…): fail the deployment. */
  | { kind: 'refused'; reason: 'model_not_found' | 'download_failed'; message: string }
  /** The worker is stopping: hand the job back; the partial download resumes on the next worker. */
  | { kind: 'handback' };

const NOTE_EVERY_MS = 1_000;
const EVENT_EVERY_MS = 15_000;

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
    let lastNote = 0;
    let lastEvent = 0;
    const report = (progress: DownloadProgress) => {
      const now = Date.now();
      if (now - lastNote < NOTE_EVERY_MS) return;
      lastNote = now;
      const total = progress.totalBytes;
      const message = total
        ? `downloading ${name}: ${formatSize(progress.bytes)} of ${formatSize(total)} (${Math.floor((100 * progress.bytes) / total)}%)`
        : `downloading ${name}: ${formatSize(progress.bytes)}`;
      const set = { pullBytes: BigInt(progress.bytes), pullTotalBytes: total === null ? null : BigInt(total) };
      const event = now - lastEvent >= EVENT_EVERY_MS;
      if (event) lastEvent = now;
      const data = { file: name, bytes: progress.bytes, totalBytes: total };
      const write = event
        ? noteDeployment(ctx, { deploymentId: row.id, type: 'download', message, data, status, generation: row.generation, set })
        : ctx.db.deployment.updateMany({ where: { id: row.id, status, generation: row.generation }, data: { ...set, statusMessage: message } });
      void Promise.resolve(write).catch(() => undefined);
    };
    const started = Date.now();
    const downloaded = await ctx.models.download(row.orgId, model, { signal, onProgress: report });
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
