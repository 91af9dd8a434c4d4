import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildFakeLlamaServerBundle } from '../fake-llama-server/build';

/**
 * The bundle the test image runs, as an executable on this machine (for the process runtime's
 * LLAMA_SERVER_BIN): a shell script that execs this node binary on it, so it works whatever
 * PATH the server is started with. Returns the script's path.
 */
export async function fakeLlamaServerExecutable(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const bundle = await buildFakeLlamaServerBundle(join(dir, 'fake-llama-server.cjs'));
  const script = join(dir, 'llama-server');
  await writeFile(script, `#!/bin/sh\nexec '${process.execPath}' '${bundle}' "$@"\n`);
  await chmod(script, 0o755);
  return script;
}
