// A minimal, fast stand-in for llama-server's /v1/chat/completions, shared by every path the gateway benchmark
// measures (direct, nginx, gateway, and the sealed paths through the worker's socket forwarder), so differences
// come from the proxy alone. With a socket path it also listens there, as a sealed llama-server does, with
// the same handler in the same process.
// usage: node --import tsx bench/gateway-upstream.ts <port> <events per stream> [<unix socket path>]
// Streams space their events by the request's x-bench-event-interval-ms header (default 0: back to back).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const [port = '0', events = '16', socketPath] = process.argv.slice(2);
const eventCount = Number(events);

const reply = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'bench',
  choices: [{ index: 0, message: { role: 'assistant', content: 'The capital of France is Paris.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 25, completion_tokens: 8, total_tokens: 33 },
});
const chunk = (content: string) => `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', model: 'bench', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
const usageChunk = `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', model: 'bench', choices: [], usage: { prompt_tokens: 25, completion_tokens: eventCount, total_tokens: 25 + eventCount } })}\n\n`;

const answer = (req: IncomingMessage, res: ServerResponse) => {
  const parts: Buffer[] = [];
  req.on('data', (part: Buffer) => parts.push(part));
  req.on('end', async () => {
    const body = JSON.parse(Buffer.concat(parts).toString() || '{}') as { stream?: boolean; stream_options?: { include_usage?: boolean } };
    if (body.stream !== true) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
      res.end(reply);
      return;
    }
    const interval = Number(req.headers['x-bench-event-interval-ms'] ?? 0);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    for (let i = 0; i < eventCount && !res.destroyed; i++) {
      if (interval > 0) await sleep(interval);
      res.write(chunk(` token${i}`));
    }
    if (body.stream_options?.include_usage === true) res.write(usageChunk);
    res.end('data: [DONE]\n\n');
  });
};

const server = createServer(answer);
server.keepAliveTimeout = 60_000;
server.listen(Number(port), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : port}\n`);
});
if (socketPath) {
  const onSocket = createServer(answer);
  onSocket.keepAliveTimeout = 60_000;
  onSocket.listen(socketPath);
}
