import { open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type AllowedHosts, GGUF_HEADER_BYTES, isGgufHeader, type ModelSource, parseAllowedHosts } from '@gguf/core';
import { fileSha256 } from './checksums';
import { downloadFile } from './download';
import { downloadSource } from './download-source';
import { type LibraryEntry, ModelRefusedError, resolveInLibrary, scanLibrary } from './library';
import type { DownloadableModel, DownloadOptions, LocatedModel, ModelStoreSettings, NodeModels } from './node-models';
import { makeReadableDir } from './permissions';

export interface ModelStoreOptions extends Omit<ModelStoreSettings, 'allowedHosts'> {
  allow: AllowedHosts;
  /** The Hugging Face token an organization's downloads may use, if any. */
  hfToken(orgId: string): Promise<string | undefined>;
  /** Tests: a resolver for test host names and a CA for the test hub. */
  resolve?: (hostname: string) => Promise<string[]>;
  ca?: string;
}

/** A store from plain settings (the node helper's). */
export function modelStoreFrom(settings: ModelStoreSettings, hfToken: ModelStoreOptions['hfToken']): ModelStore {
  return new ModelStore({ ...settings, allow: parseAllowedHosts(settings.allowedHosts), hfToken });
}

/** What a download file's companion records once the download is complete and verified. */
interface DownloadRecord {
  sha256: string;
  bytes: number;
  downloadedAt: string;
}

const recordOf = (file: string) => `${file}.sha256.json`;

/**
 * The node's models. `local` deployments name a file in the admin-curated library; `huggingface`
 * and `url` deployments get a file the worker downloads into their organization's own cache,
 * which no other organization's deployment can name. Either way a server only ever sees one
 * checked GGUF file, mounted read-only.
 */
export class ModelStore implements NodeModels {
  readonly libraryDir: string;
  private readonly orgsDir: string;
  private readonly downloads = new Map<string, Promise<LocatedModel>>();

  constructor(private readonly options: ModelStoreOptions) {
    this.libraryDir = join(options.modelsDir, 'library');
    this.orgsDir = join(options.modelsDir, 'orgs');
  }

  library(): Promise<LibraryEntry[]> {
    return scanLibrary(this.libraryDir);
  }

  /** The file if it is on the node already; undefined when it must be downloaded. Throws ModelRefusedError when it can never be used. */
  async locate(orgId: string, model: ModelSource): Promise<LocatedModel | undefined> {
    if (model.source === 'local') {
      const file = await resolveInLibrary(this.libraryDir, model.path);
      await assertGguf(file);
      return { file, ...(await fileSha256(file, this.options.checksumsDir)) };
    }
    const file = this.cacheFile(orgId, model);
    const record = await readFile(recordOf(file), 'utf8')
      .then((text) => JSON.parse(text) as DownloadRecord)
      .catch(() => undefined);
    const info = await stat(file).catch(() => undefined);
    if (!record || !info?.isFile() || info.size !== record.bytes) return undefined;
    return { file, sha256: record.sha256, bytes: record.bytes };
  }

  /** Downloads a `huggingface` or `url` model into the organization's cache; one download per file at a time. */
  download(orgId: string, model: DownloadableModel, options: DownloadOptions): Promise<LocatedModel> {
    const file = this.cacheFile(orgId, model);
    const running = this.downloads.get(file);
    if (running) return running;
    const started = this.fetch(orgId, model, file, options).finally(() => this.downloads.delete(file));
    this.downloads.set(file, started);
    return started;
  }

  private cacheFile(orgId: string, model: DownloadableModel): string {
    return join(this.orgsDir, orgId, downloadSource(model, this.options.hfEndpoint).cachePath);
  }

  private async fetch(
    orgId: string,
    model: DownloadableModel,
    file: string,
    options: DownloadOptions,
  ): Promise<LocatedModel> {
    const source = downloadSource(model, this.options.hfEndpoint);
    const token = source.hub ? await this.options.hfToken(orgId) : undefined;
    await makeReadableDir(this.orgsDir, dirname(file));
    const { bytes, sha256 } = await downloadFile({
      url: source.url,
      destination: file,
      headers: token ? { authorization: `Bearer ${token}` } : undefined,
      maxBytes: this.options.maxBytes,
      allow: this.options.allow,
      resolve: this.options.resolve,
      ca: this.options.ca,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    const record: DownloadRecord = { sha256, bytes, downloadedAt: new Date().toISOString() };
    const temp = `${recordOf(file)}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(record), { mode: 0o644 });
    await rename(temp, recordOf(file));
    return { file, sha256, bytes };
  }
}

/** Refuses a file that is not GGUF before any server parses it. */
async function assertGguf(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    const header = Buffer.alloc(GGUF_HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, header.length, 0);
    if (!isGgufHeader(header.subarray(0, bytesRead))) throw new ModelRefusedError('the model file is not a GGUF file');
  } finally {
    await handle.close();
  }
}
