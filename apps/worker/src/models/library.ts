import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** A model an admin put in the node's library (MODELS_DIR/library), as deployments name it. */
export interface LibraryEntry {
  /** Path relative to the library, with forward slashes: what a `local` deployment's `path` says. */
  path: string;
  bytes: number;
  modifiedAt: string;
}

/** The model cannot be used as asked; an edit of the deployment, not a retry, can fix it. */
export class ModelRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelRefusedError';
  }
}

const inside = (root: string, path: string) => path === root || path.startsWith(`${root}${sep}`);

/**
 * The file a `local` deployment names, inside the admin-curated library and nowhere else. The
 * path was validated when the deployment was saved (relative, no `..`); here it is resolved with
 * every symlink followed, so a link pointing out of the library (into another organization's
 * downloads, or anywhere on the node) is refused like a missing file.
 */
export async function resolveInLibrary(libraryDir: string, path: string): Promise<string> {
  const notFound = new ModelRefusedError(`model file not found in the node's library: ${path}`);
  let root: string;
  let file: string;
  try {
    root = await realpath(libraryDir);
    file = await realpath(join(root, path));
  } catch {
    throw notFound;
  }
  if (!inside(root, file)) throw notFound;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw notFound;
  return file;
}

/** Every `.gguf` file of the library (symlinks that stay inside it included), for the admin API and dashboard. */
export async function scanLibrary(libraryDir: string, limit = 10_000): Promise<LibraryEntry[]> {
  let root: string;
  try {
    root = await realpath(libraryDir);
  } catch {
    return [];
  }
  const entries: LibraryEntry[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 8 || entries.length >= limit) return;
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (name.startsWith('.')) continue;
      const full = join(dir, name);
      const link = await lstat(full).catch(() => undefined);
      if (!link) continue;
      if (link.isDirectory()) {
        await walk(full, depth + 1);
        continue;
      }
      if (!name.toLowerCase().endsWith('.gguf')) continue;
      const relativePath = relative(root, full).split(sep).join('/');
      const target = await resolveInLibrary(root, relativePath).catch(() => undefined);
      if (!target) continue;
      const info = await stat(target);
      entries.push({ path: relativePath, bytes: info.size, modifiedAt: info.mtime.toISOString() });
      if (entries.length >= limit) return;
    }
  };
  await walk(root, 0);
  return entries;
}
