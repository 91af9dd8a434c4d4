import { build } from 'esbuild';
import { mkdir, rename } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));

/**
 * Bundles the executable into one CommonJS file that runs with a bare `node` (no node_modules, no tsx), for
 * images that contain nothing but the node binary. Returns the bundle's absolute path.
 */
export async function buildFakeLlamaServerBundle(outFile: string): Promise<string> {
  const target = resolve(outFile);
  await mkdir(dirname(target), { recursive: true });
  // Write elsewhere and rename: parallel test files may build at once and must never run a half-written bundle.
  const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
  await build({
    entryPoints: [ENTRY],
    outfile: temp,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'silent',
  });
  await rename(temp, target);
  return target;
}

// `tsx build.ts [outFile]` builds from the command line, e.g. in a Dockerfile's build stage.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outFile = process.argv[2] ?? fileURLToPath(new URL('../../dist/fake-llama-server.cjs', import.meta.url));
  process.stdout.write(`${await buildFakeLlamaServerBundle(outFile)}\n`);
}
