import { chmod, mkdir } from 'node:fs/promises';
import { relative, sep } from 'node:path';

/**
 * Creates `dir` (under `root`) so servers, which run as another user, can reach the files in it:
 * 0755 whatever the worker's umask says. Only the download cache uses it; the worker's state and
 * secrets stay in directories of their own.
 */
export async function makeReadableDir(root: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  let path = root;
  await chmod(path, 0o755);
  for (const part of relative(root, dir).split(sep).filter(Boolean)) {
    path = `${path}${sep}${part}`;
    await chmod(path, 0o755);
  }
}
