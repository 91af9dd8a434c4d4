import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A lock across processes for tests that must not overlap: the end-to-end suites each start the
 * whole product with `npm start`, which builds the apps in the shared checkout — two builds of one
 * Next.js app at once fail. Vitest runs test files in parallel workers, so they take turns here.
 * A holder that died leaves its pid behind and the lock is taken over.
 */
export async function acquireExclusive(name: string, timeoutMs = 15 * 60_000): Promise<() => Promise<void>> {
  const dir = join(tmpdir(), `gguf-test-lock-${name}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(dir);
      await writeFile(join(dir, 'pid'), String(process.pid));
      return () => rm(dir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(await readFile(join(dir, 'pid'), 'utf8').catch(() => '0'));
    if (holder > 0 && !isAlive(holder)) {
      await rm(dir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for the test lock "${name}" held by pid ${holder}`);
    await sleep(250);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
