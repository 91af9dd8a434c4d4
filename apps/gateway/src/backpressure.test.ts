import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './test/eventually';
import { type Harness, startHarness } from './test/harness';

/**
 * docs/gateway.md, "Streaming": backpressure runs end to end. A caller that reads slowly holds the upstream
 * back (the gateway pauses the upstream body) instead of the gateway reading it into memory on its behalf.
 * The upstream here is a server of the test's own that writes only as fast as its socket takes the bytes,
 * so what it has written is what the gateway let through. (The fake llama-server writes its tokens without
 * waiting for its socket, so its counters cannot show this.)
 */
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ GATEWAY_KEY_MAX_STREAMS: '0', GATEWAY_ORG_MAX_STREAMS: '0' });
});
afterAll(() => h?.close());

/**
 * An upstream that streams `total` bytes of SSE as fast as its socket takes them, and no faster: it writes
 * again only after 'drain'. What it has handed to its socket (`written`) is what the gateway let through.
 */
async function drainAwareUpstream(total: number): Promise<{ url: string; server: Server; state: { written: number; blocked: boolean; done: boolean; aborted: boolean } }> {
  const state = { written: 0, blocked: false, done: false, aborted: false };
  const event = Buffer.from(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'x'.repeat(16 * 1024) } }] })}\n\n`);
  const server = createServer(async (req, res) => {
    req.resume();
    res.on('close', () => (state.aborted = !res.writableFinished));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    while (state.written < total) {
      state.written += event.length;
      if (!res.write(event)) {
        state.blocked = true;
        await once(res, 'drain');
        state.blocked = false;
      }
    }
    res.end('data: [DONE]\n\n');
    state.done = true;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, state };
}

describe('backpressure', () => {
  it('holds the upstream back while the caller is not reading, end to end, and delivers everything once it reads', { timeout: 120_000 }, async () => {
    const total = 128 * 1024 * 1024;
    const upstream = await drainAwareUpstream(total);
    try {
      const deploymentId = await h.createDeployment(h.orgId, { upstreamUrl: upstream.url });
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(`${h.deploymentUrl(deploymentId)}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' } }, resolve);
        req.on('error', reject);
        req.end(JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'a lot' }], stream: true }));
      });
      expect(res.statusCode).toBe(200);
      res.pause();
      // The caller reads nothing. Held back, the upstream stops once the buffers between it and the caller are
      // full (the sockets' kernel buffers: a few megabytes), while the gateway goes on serving other requests.
      // Were the gateway reading it on the caller's behalf, it would run to its end meanwhile.
      const health = () => Promise.all(Array.from({ length: 10 }, () => fetch(`${h.url}/healthz`).then((r) => r.arrayBuffer())));
      await eventually(async () => {
        const before = upstream.state.written;
        await health();
        const { done, aborted, blocked, written } = upstream.state;
        return done || aborted || (blocked && written === before);
      }, 30_000);
      // Not the first sign: TCP's own flow control can slow the hop to the gateway for a while even when the
      // gateway reads on. Many more requests later, only a paused upstream body is still where it was.
      for (let round = 0; round < 30; round++) await health();
      // Still open, still waiting for the caller.
      expect(upstream.state).toMatchObject({ done: false, aborted: false, blocked: true });
      const heldAt = upstream.state.written;
      expect(heldAt).toBeLessThan(total / 4);

      // Once the caller reads, everything arrives.
      let received = 0;
      for await (const chunk of res) received += (chunk as Buffer).length;
      expect(received).toBeGreaterThan(total);
      expect(upstream.state.done).toBe(true);
      console.info(`backpressure: the upstream was held at ${heldAt} of ${total} bytes while the caller read nothing`);
    } finally {
      upstream.server.closeAllConnections();
      upstream.server.close();
    }
  });
});
