import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Finds an executable on PATH, then in the given fallback directories. */
export function findExecutable(name: string, fallbackDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...fallbackDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Debian and Ubuntu keep server binaries under /usr/lib/postgresql/<major>/bin; newest first. */
export function postgresBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'));
}

export function requireExecutable(name: string, fallbackDirs: string[], hint: string): string {
  const found = findExecutable(name, fallbackDirs);
  if (!found) throw new Error(`${name} not found on PATH. ${hint}`);
  return found;
}
