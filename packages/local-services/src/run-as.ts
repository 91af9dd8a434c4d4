import { execFileSync } from 'node:child_process';
import { chownSync } from 'node:fs';

/**
 * PostgreSQL refuses to run as root. When this process is root (CI, containers), the server runs
 * as the `postgres` system user instead; otherwise as whoever we are.
 */
export interface RunAs {
  uid?: number;
  gid?: number;
}

export function postgresRunAs(): RunAs {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root, and PostgreSQL will not: create a `postgres` system user (Debian packages do) or run as a normal user');
  }
}

export function giveTo(runAs: RunAs, ...paths: string[]): void {
  if (runAs.uid === undefined || runAs.gid === undefined) return;
  for (const path of paths) chownSync(path, runAs.uid, runAs.gid);
}
