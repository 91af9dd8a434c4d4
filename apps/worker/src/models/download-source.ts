import { createHash } from 'node:crypto';
import type { ModelSource } from '@gguf/core';

/** Where a downloaded model comes from, and where it is kept in its organization's cache. */
export interface DownloadSource {
  url: string;
  /** Path inside the organization's cache directory. */
  cachePath: string;
  /** Whether the URL is the Hugging Face hub's (an organization's token goes there, and only there). */
  hub: boolean;
}

/** The revision a Hugging Face reference is downloaded at when it names none. */
export const DEFAULT_REVISION = 'main';

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

/**
 * `huggingface` models come from HF_ENDPOINT's `/{repo}/resolve/{revision}/{file}`, `url` models
 * from their URL. Both are cached under names the reference alone decides (already validated:
 * no `..`, no absolute paths), so a second deployment of the same file reuses the download.
 */
export function downloadSource(model: Exclude<ModelSource, { source: 'local' }>, hfEndpoint: string): DownloadSource {
  if (model.source === 'huggingface') {
    return {
      url: `${hfEndpoint.replace(/\/+$/, '')}/${encodePath(model.repo)}/resolve/${DEFAULT_REVISION}/${encodePath(model.file)}`,
      cachePath: `hf/${model.repo}/${DEFAULT_REVISION}/${model.file}`,
      hub: true,
    };
  }
  const name = new URL(model.url).pathname.split('/').pop() || 'model.gguf';
  return { url: model.url, cachePath: `url/${createHash('sha256').update(model.url).digest('hex').slice(0, 32)}/${name.replace(/[^\w.-]/g, '_')}`, hub: false };
}
