// Building what a benchmark runs: the gateway as `npm start` ships it, from this checkout or from an earlier
// git revision (to measure what a change costs), and other entries bundled the same way.
import { spawnSync } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds `entry` the way the apps are built for `npm start`, so nothing runs through tsx's transform. */
export function bundle(cwd: string, entry: string, outfile: string): void {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts/bundle-app.mjs'), entry, outfile], { cwd, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`could not bundle ${entry}`);
}

/** A git revision's tree in `dir`, using this checkout's node_modules (so its workspace packages are this checkout's). */
export async function checkOut(revision: string, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const archive = spawnSync('sh', ['-c', 'git archive "$0" | tar -x -C "$1"', revision, dir], { cwd: ROOT, stdio: 'inherit' });
  if (archive.status !== 0) throw new Error(`could not check out ${revision}`);
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** The gateway's bundle (`apps/gateway/dist/main.js` under the returned root): this checkout's, or `revision`'s checked out under `dir`. */
export async function buildGateway(revision: string | undefined, dir: string): Promise<string> {
  if (revision === undefined) {
    const build = spawnSync('npm', ['run', 'build', '--silent', '-w', '@gguf/gateway'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('could not build the gateway');
    return ROOT;
  }
  const root = await checkOut(revision, dir);
  bundle(join(root, 'apps/gateway'), 'src/main.ts', 'dist/main.js');
  return root;
}
