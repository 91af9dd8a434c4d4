import { request } from 'node:http';
import type { TestDockerDaemon } from '@gguf/testkit/docker';

/**
 * Which of `needles` occur anywhere in an image as `docker save` streams it: every layer's files,
 * its configuration and history. Streamed through a window, never held whole (images run to GBs).
 */
export function imageContains(daemon: TestDockerDaemon, tag: string, needles: string[]): Promise<string[]> {
  const wanted = needles.map((needle) => Buffer.from(needle));
  const overlap = Math.max(...wanted.map((needle) => needle.length)) - 1;
  const found = new Set<string>();
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: daemon.socketPath, method: 'GET', path: `/images/${encodeURIComponent(tag)}/get`, timeout: 600_000 }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`docker save ${tag} answered ${res.statusCode}`));
        return;
      }
      let tail = Buffer.alloc(0);
      res.on('data', (chunk: Buffer) => {
        const window = Buffer.concat([tail, chunk]);
        wanted.forEach((needle, i) => {
          if (window.includes(needle)) found.add(needles[i]!);
        });
        tail = window.subarray(Math.max(0, window.length - overlap));
      });
      res.on('end', () => resolve([...found]));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`docker save ${tag} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
