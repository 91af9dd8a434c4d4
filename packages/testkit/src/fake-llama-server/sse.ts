import type { ServerResponse } from 'node:http';
import { SERVER_HEADER } from './http';

/** Server-sent events as llama-server writes them: OpenAI routes send bare `data:` lines, Anthropic routes named events. */
export function startEventStream(res: ServerResponse): void {
  res.writeHead(200, { ...SERVER_HEADER, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  // Headers go out now, not with the first token, so a slow first token is observable as such.
  res.flushHeaders();
}

export function writeData(res: ServerResponse, data: unknown): void {
  res.write(`data: ${JSON.stringify(data)}\n\n`);
}

export function writeEvent(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export function endOpenAiStream(res: ServerResponse): void {
  res.end('data: [DONE]\n\n');
}
