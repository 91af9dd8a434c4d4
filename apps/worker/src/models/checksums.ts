import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * SHA-256 of a model file, remembered per file identity (device, inode, size, modification time) in
 * a directory of the worker's, so a 40 GB library model is read once, not at every start.
 */
export async function fileSha256(file: string, cacheDir: string): Promise<{ sha256: string; bytes: number }> {
  const info = await stat(file);
  const identity = `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
  const record = join(cacheDir, `${createHash('sha256').update(file).digest('hex').slice(0, 32)}.json`);
  const known = await readFile(record, 'utf8')
    .then((text) => JSON.parse(text) as { identity: string; sha256: string })
    .catch(() => undefined);
  if (known?.identity === identity) return { sha256: known.sha256, bytes: info.size };
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  await mkdir(cacheDir, { recursive: true, mode: 0o700 });
  const temp = `${record}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify({ identity, sha256 }), { mode: 0o600 });
  await rename(temp, record);
  return { sha256, bytes: info.size };
}
