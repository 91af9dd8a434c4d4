import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { buildNodeImage, type TestDockerDaemon } from '@gguf/testkit/docker';
import { NODE_HELPER_ENTRYPOINT } from '@gguf/runtime';
import { build } from 'esbuild';

const HELPER_MAIN = fileURLToPath(new URL('../src/node-helper/main.ts', import.meta.url));

/**
 * The node helper as a remote engine gets it in production (the worker's image running
 * apps/worker/dist/node-helper.js), built without a registry: node and the helper bundled with
 * everything it imports, at the path the worker's image has it.
 */
export async function buildNodeHelperImage(daemon: TestDockerDaemon, tag = 'gguf-test/node-helper:latest'): Promise<string> {
  const bundle = join(daemon.root, 'node-helper.cjs');
  await build({ entryPoints: [HELPER_MAIN], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
  return buildNodeImage(daemon, { tag, files: { [NODE_HELPER_ENTRYPOINT[1]!]: bundle }, entrypoint: NODE_HELPER_ENTRYPOINT });
}
