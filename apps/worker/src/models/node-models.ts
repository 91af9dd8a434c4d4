import type { ModelSource } from '@gguf/core';
import type { DownloadProgress } from './download';
import type { LibraryEntry } from './library';

/** A model file ready to be mounted or opened by a server. */
export interface LocatedModel {
  /** Absolute path on the node (for a remote engine, on that engine's host). */
  file: string;
  sha256: string;
  bytes: number;
}

export type DownloadableModel = Exclude<ModelSource, { source: 'local' }>;

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
}

/**
 * The node's models, wherever its disk is: the worker's own (ModelStore) or a remote engine's host,
 * through the node helper (HelperModelStore). Both refuse with ModelRefusedError or DownloadError,
 * whose messages tenants may read.
 */
export interface NodeModels {
  library(): Promise<LibraryEntry[]>;
  /** The file if it is on the node already; undefined when it must be downloaded. */
  locate(orgId: string, model: ModelSource): Promise<LocatedModel | undefined>;
  /** Downloads a `huggingface` or `url` model into the organization's cache. */
  download(orgId: string, model: DownloadableModel, options: DownloadOptions): Promise<LocatedModel>;
}

/** How the model store is set up, as plain data (the node helper gets it on stdin). */
export interface ModelStoreSettings {
  /** MODELS_DIR: `library/` (the admin's) and `orgs/<organization>/` (the worker's downloads). */
  modelsDir: string;
  /** Where library files' checksums are remembered (a directory of the worker's). */
  checksumsDir: string;
  hfEndpoint: string;
  /** MODEL_URL_ALLOWED_HOSTS as written. */
  allowedHosts: string;
  maxBytes: number;
}
