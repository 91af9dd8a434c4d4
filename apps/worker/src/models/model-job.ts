import type { ModelSource } from '@gguf/core';
import { DownloadError } from './download';
import { ModelRefusedError } from './library';
import { modelStoreFrom } from './model-store';
import type { DownloadableModel, ModelStoreSettings } from './node-models';

/** Model work the node helper does on a remote engine's host, for HelperModelStore. */
export type ModelJob =
  | { op: 'models'; action: 'library'; store: ModelStoreSettings }
  | { op: 'models'; action: 'locate'; store: ModelStoreSettings; orgId: string; model: ModelSource }
  | { op: 'models'; action: 'download'; store: ModelStoreSettings; orgId: string; model: DownloadableModel; token?: string };

/** How a failure crosses from the helper back to the worker: refusals and download errors keep their tenant-readable words. */
export function describeModelFailure(error: unknown): { kind: 'refused' | 'download' | 'other'; message: string; permanent?: boolean } {
  if (error instanceof ModelRefusedError) return { kind: 'refused', message: error.message };
  if (error instanceof DownloadError) return { kind: 'download', message: error.message, permanent: error.permanent };
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

/** Runs one model job where the model store is (in the helper). */
export async function runModelJob(job: ModelJob, onProgress: (progress: unknown) => void): Promise<unknown> {
  const store = modelStoreFrom(job.store, async () => (job.action === 'download' ? job.token : undefined));
  if (job.action === 'library') return store.library();
  if (job.action === 'locate') return (await store.locate(job.orgId, job.model)) ?? null;
  return store.download(job.orgId, job.model, { onProgress });
}
