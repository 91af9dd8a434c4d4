import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/**
 * A process's start time as the kernel records it (Linux: /proc/<pid>/stat field 22), so a pid
 * the kernel recycled for another program is never mistaken for our llama-server. Undefined where
 * /proc does not exist (macOS): the pid alone is then trusted.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return 'dead';
    return fields[19];
  } catch {
    return undefined;
  }
}

/** True when `pid` is alive and (where the kernel tells) still the process that was started at `startTime`. */
export function isAlive(pid: number, startTime?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone. EPERM: it exists but belongs to another user, so it cannot be a server we started.
    return false;
  }
  const now = processStartTime(pid);
  if (now === 'dead') return false;
  if (startTime === undefined || now === undefined || !existsSync('/proc/self/stat')) return true;
  return now === startTime;
}

/** Signals a server's whole process group (it was started as a group leader), falling back to the pid. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** LLAMA_SERVER_BIN when given (resolved against the working directory), else `llama-server` on PATH. */
export function resolveBinary(configured: string | undefined, path = process.env.PATH ?? ''): string | undefined {
  if (configured) {
    const candidate = isAbsolute(configured) ? configured : resolve(configured);
    if (isExecutable(candidate)) return candidate;
    // A bare name: look it up like a shell would.
    return configured.includes('/') ? undefined : findOnPath(configured, path);
  }
  return findOnPath('llama-server', path);
}

function findOnPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}
