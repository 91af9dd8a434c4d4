import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeFileBytes, fakeGgufFile, startFakeHub } from '@gguf/testkit';

/** The model the journey deploys from the fake hub. */
export const TINY_CHAT = { repo: 'acme/tiny-chat-GGUF', file: 'tiny-chat-q4_k_m.gguf' } as const;
const SIZE = 6 * 1024 * 1024;
/**
 * The first download stops half way for this long, so the page can be seen while the deployment is
 * `pulling`; well below the worker's 60 s idle timeout, so it then finishes on the same connection.
 */
const PAUSE_MS = 40_000;

export interface ModelHub {
  /** What the product's worker needs to download from the hub: its endpoint, the loopback exception, its CA. */
  env: Record<string, string>;
  size: number;
  sha256: string;
  close(): Promise<void>;
}

/**
 * The test kit's fake Hugging Face hub on 127.0.0.1, serving TINY_CHAT. Every name in its URLs is
 * the loopback address itself, so the worker resolves nothing (no DNS query leaves the machine), and
 * MODEL_URL_ALLOWED_HOSTS admits that one address; the worker trusts the hub's certificate through
 * NODE_EXTRA_CA_CERTS, as an operator's internal mirror would be trusted.
 */
export async function startModelHub(): Promise<ModelHub> {
  const hub = await startFakeHub({ hubHost: '127.0.0.1', cdnHost: '127.0.0.1', urlHost: '127.0.0.1' });
  const dir = await mkdtemp(join(tmpdir(), 'gguf-e2e-hub-'));
  try {
    const model = fakeGgufFile('e2e tiny chat', SIZE);
    hub.addRepoFile(TINY_CHAT.repo, TINY_CHAT.file, model);
    hub.fault(model, { pauseAfter: SIZE / 2, pauseMs: PAUSE_MS });
    const sha256 = createHash('sha256').update(await fakeFileBytes(model)).digest('hex');
    const caFile = join(dir, 'hub-ca.pem');
    await writeFile(caFile, hub.ca);
    return {
      env: { HF_ENDPOINT: hub.endpoint, MODEL_URL_ALLOWED_HOSTS: '127.0.0.1/32', NODE_EXTRA_CA_CERTS: caFile },
      size: SIZE,
      sha256,
      close: async () => {
        await hub.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await hub.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
