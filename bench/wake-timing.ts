// What bench/wake.ts times on its own side: a streamed request's first byte of data (past the gateway's
// `: waking` comments), and llama-server's load time measured without the worker's readiness probe.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '@gguf/local-services';

/**
 * Sends one streamed chat completion and resolves with the epoch ms it was sent and the epoch ms the first
 * event that is not a comment arrived; reads the stream to its end.
 */
export async function timeToFirstData(url: string, key: string): Promise<{ sentAt: number; firstAt: number; comments: number }> {
  const body = JSON.stringify({ model: 'any', messages: [{ role: 'user', content: 'Say hello.' }], stream: true, max_tokens: 8 });
  const sentAt = Date.now();
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
  if (res.status !== 200 || !res.body) throw new Error(`gateway answered ${res.status}: ${await res.text()}`);
  const decoder = new TextDecoder();
  let buffered = '';
  let firstAt: number | undefined;
  let comments = 0;
  for await (const chunk of res.body) {
    if (firstAt !== undefined) continue;
    buffered += decoder.decode(chunk, { stream: true });
    let end: number;
    while (firstAt === undefined && (end = buffered.indexOf('\n\n')) !== -1) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (event.split('\n').every((line) => line.startsWith(':'))) comments++;
      else firstAt = Date.now();
    }
  }
  if (firstAt === undefined) throw new Error('the stream ended without data');
  return { sentAt, firstAt, comments };
}

/**
 * llama-server's load time as close to the truth as a client can see it: the executable started directly
 * (no worker, no runtime) and /health polled every 5 ms until 200. The worker's probe backs off from 25 ms
 * to 1 s, so the time it records includes up to one probe interval after the server was ready.
 */
export async function timeToReady(binary: string, model: string, env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const startedAt = Date.now();
  const child = spawn(binary, ['--host', '127.0.0.1', '--port', String(port), '-m', model], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`llama-server exited with ${child.exitCode} before it was ready`);
      const status = await fetch(`http://127.0.0.1:${port}/health`).then(
        async (res) => (await res.arrayBuffer(), res.status),
        () => 0,
      );
      if (status === 200) return Date.now() - startedAt;
      if (Date.now() - startedAt > 60_000) throw new Error('llama-server was not ready within 60 s');
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
}
