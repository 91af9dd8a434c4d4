import { type DownloadProgress as Progress } from '@gguf/api';
import { formatSize } from '@gguf/core';

/** "1.2 GiB of 4.5 GiB (26%)", or the bytes alone while the size is unknown; null before the first bytes. */
export function describeDownload(download: Progress | null): string {
  if (!download) return 'waiting for the first bytes';
  if (download.total_bytes === null) return `${formatSize(download.bytes)} so far`;
  return `${formatSize(download.bytes)} of ${formatSize(download.total_bytes)} (${download.percent}%)`;
}

/**
 * The worker's download of a deployment's model as a progress bar. Without a known size (or
 * before the first bytes) it is indeterminate: the bar pulses instead of claiming a fraction.
 * `compact` is the list's version: a thin bar and the percent.
 */
export function DownloadProgressBar({ download, compact = false }: { download: Progress | null; compact?: boolean }) {
  const percent = download?.percent ?? null;
  const text = describeDownload(download);
  const bar = (
    <div
      role="progressbar"
      aria-label="Model download"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      aria-valuetext={text}
      data-testid="download-progress"
      className={`overflow-hidden rounded-full bg-blue-100 dark:bg-blue-500/15 ${compact ? 'h-1.5 w-20' : 'h-2.5 w-full'}`}
    >
      <div
        className={`h-full rounded-full bg-blue-600 transition-[width] duration-700 dark:bg-blue-400 ${percent === null ? 'w-full animate-pulse opacity-40' : ''}`}
        style={percent === null ? undefined : { width: `${percent}%` }}
      />
    </div>
  );
  if (compact) {
    return (
      <span className="mt-1 flex items-center gap-2" title={`Downloading the model: ${text}`}>
        {bar}
        <span className="text-xs text-zinc-500 tabular-nums">{percent !== null ? `${percent}%` : download ? formatSize(download.bytes) : ''}</span>
      </span>
    );
  }
  return (
    <div className="space-y-2">
      {bar}
      <p className="text-sm text-zinc-600 tabular-nums dark:text-zinc-400" data-testid="download-text">
        {text}
      </p>
    </div>
  );
}
