// The model library a benchmark's worker serves from: one tiny file that passes for GGUF, in `<root>/models/library`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NO_ALLOWED_HOSTS } from '@gguf/core';
import { ModelStore } from '../apps/worker/src/models/model-store';

/** The library model's path, as a deployment's `modelPath` names it. */
export const BENCH_MODEL = 'tiny.gguf';

/** The worker's model store over that library (downloads disabled: nothing but loopback is reached), the state directory beside it, and the model file's path. */
export async function benchModelStore(root: string): Promise<{ models: ModelStore; stateDir: string; modelFile: string }> {
  const modelsDir = join(root, 'models');
  const stateDir = join(root, 'state');
  const library = join(modelsDir, 'library');
  await mkdir(library, { recursive: true, mode: 0o755 });
  await writeFile(join(library, BENCH_MODEL), Buffer.concat([Buffer.from('GGUF'), Buffer.from([3, 0, 0, 0]), Buffer.alloc(56)]), { mode: 0o644 });
  const models = new ModelStore({
    modelsDir,
    checksumsDir: join(stateDir, 'checksums'),
    hfEndpoint: 'https://hub.invalid',
    allow: NO_ALLOWED_HOSTS,
    maxBytes: 1024 ** 3,
    hfToken: async () => undefined,
  });
  return { models, stateDir, modelFile: join(library, BENCH_MODEL) };
}
