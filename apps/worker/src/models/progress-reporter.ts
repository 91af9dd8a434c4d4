import { type DeploymentStatus, formatSize } from '@gguf/core';
import type { Deployment } from '@gguf/db';
import type { WorkerContext } from '../context';
import { noteDeployment } from '../deployments/apply-transition';
import type { DownloadProgress } from './download';

/** The status message and columns at most once a second; an event at most every 15 seconds. */
const WRITE_EVERY_MS = 1_000;
const EVENT_EVERY_MS = 15_000;

/**
 * Writes a download's progress onto its deployment (`pull_bytes`, `pull_total_bytes`, the status
 * message), throttled, and always with the latest figures: when the bytes stop coming (a slow or
 * stalled server), what arrived last is still written a second later instead of an older figure
 * staying on the page.
 */
export function progressReporter(ctx: WorkerContext, row: Deployment, status: DeploymentStatus, file: string): { progress: (p: DownloadProgress) => void; stop: () => void } {
  let lastWrite = 0;
  let lastEvent = 0;
  let latest: DownloadProgress | undefined;
  let timer: NodeJS.Timeout | undefined;

  const write = () => {
    timer = undefined;
    if (!latest) return;
    const { bytes, totalBytes } = latest;
    latest = undefined;
    lastWrite = Date.now();
    const message = totalBytes
      ? `downloading ${file}: ${formatSize(bytes)} of ${formatSize(totalBytes)} (${Math.floor((100 * bytes) / totalBytes)}%)`
      : `downloading ${file}: ${formatSize(bytes)}`;
    const set = { pullBytes: BigInt(bytes), pullTotalBytes: totalBytes === null ? null : BigInt(totalBytes) };
    const event = lastWrite - lastEvent >= EVENT_EVERY_MS;
    if (event) lastEvent = lastWrite;
    const done = event
      ? noteDeployment(ctx, { deploymentId: row.id, type: 'download', message, data: { file, bytes, totalBytes }, status, generation: row.generation, set })
      : ctx.db.deployment.updateMany({ where: { id: row.id, status, generation: row.generation }, data: { ...set, statusMessage: message } });
    void Promise.resolve(done).catch(() => undefined);
  };

  return {
    progress: (progress) => {
      latest = progress;
      if (timer) return;
      timer = setTimeout(write, Math.max(0, lastWrite + WRITE_EVERY_MS - Date.now()));
    },
    stop: () => {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
