import type { ModelSource } from '@gguf/core';
import { HelperJobError, type NodeHelper } from '@gguf/runtime';
import { DownloadError, type DownloadProgress } from './download';
import { downloadSource } from './download-source';
import type { LibraryEntry } from './library';
import { ModelRefusedError } from './library';
import type { ModelJob } from './model-job';
import type { DownloadableModel, DownloadOptions, LocatedModel, ModelStoreSettings, NodeModels } from './node-models';

/**
 * The model store of a remote engine's host: the same code as ModelStore, run there by the node
 * helper, so downloads come from that host's network (and pass the same guard with its resolver)
 * and land on its disk. The organization's Hugging Face token travels on the helper's stdin only.
 */
export class HelperModelStore implements NodeModels {
  private readonly downloads = new Map<string, Promise<LocatedModel>>();

  constructor(
    private readonly helper: NodeHelper,
    private readonly settings: ModelStoreSettings,
    private readonly hfToken: (orgId: string) => Promise<string | undefined>,
  ) {}

  library(): Promise<LibraryEntry[]> {
    return this.job({ op: 'models', action: 'library', store: this.settings }) as Promise<LibraryEntry[]>;
  }

  async locate(orgId: string, model: ModelSource): Promise<LocatedModel | undefined> {
    return ((await this.job({ op: 'models', action: 'locate', store: this.settings, orgId, model })) as LocatedModel | null) ?? undefined;
  }

  download(orgId: string, model: DownloadableModel, options: DownloadOptions): Promise<LocatedModel> {
    const key = `${orgId}\n${JSON.stringify(model)}`;
    const running = this.downloads.get(key);
    if (running) return running;
    const started = (async () => {
      const token = downloadSource(model, this.settings.hfEndpoint).hub ? await this.hfToken(orgId) : undefined;
      const job: ModelJob = { op: 'models', action: 'download', store: this.settings, orgId, model, token };
      return (await this.job(job, { network: true, signal: options.signal, onProgress: (p) => options.onProgress?.(p as DownloadProgress) })) as LocatedModel;
    })().finally(() => this.downloads.delete(key));
    this.downloads.set(key, started);
    return started;
  }

  private async job(job: ModelJob, options: Parameters<NodeHelper['run']>[1] = {}): Promise<unknown> {
    try {
      return await this.helper.run(job, options);
    } catch (error) {
      if (!(error instanceof HelperJobError)) throw error;
      const { kind, message, permanent } = error.failure;
      if (kind === 'refused') throw new ModelRefusedError(message);
      if (kind === 'download') throw new DownloadError(message, permanent === true);
      throw new Error(`the node helper failed: ${message}`, { cause: error });
    }
  }
}
