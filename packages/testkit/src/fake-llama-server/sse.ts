import type { Exchange } from './context';
import { errorReply } from './errors';
import { SERVER_HEADER } from './http';

/**
 * A streamed answer as llama-server writes it (handle_completions_impl in tools/server/server-context.cpp): its
 * status and headers wait for the first result, i.e. the first token, and go out with it, so a slow prompt is a
 * slow first byte. OpenAI routes send bare `data:` lines ending with `data: [DONE]`, Anthropic routes named events.
 */
export class EventStream {
  private started = false;

  constructor(
    private readonly ex: Exchange,
    private readonly kind: 'openai' | 'anthropic',
  ) {}

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.ex.res.writeHead(200, { ...SERVER_HEADER, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  }

  data(payload: unknown): void {
    this.start();
    this.ex.res.write(`data: ${JSON.stringify(payload)}\n\n`);
  }

  event(name: string, payload: unknown): void {
    this.start();
    this.ex.res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
  }

  /** The normal end: `data: [DONE]` on OpenAI routes; Anthropic's `message_stop` was the caller's last event. */
  end(): void {
    this.start();
    this.ex.res.end(this.kind === 'openai' ? 'data: [DONE]\n\n' : undefined);
  }

  /**
   * A failure during generation. Before the first result it is an ordinary error answer; after it, llama-server
   * reports it inside the 200 stream (`data: {"error":{...}}`, or `event: error` with the bare error object on
   * Anthropic routes) and then ends the stream normally, with no `[DONE]` and no `message_stop`.
   */
  fail(message: string): void {
    if (!this.started) return this.ex.fail(500, message);
    const error = (errorReply('llama', 500, message).body as { error: unknown }).error;
    this.ex.res.end(this.kind === 'openai' ? `data: ${JSON.stringify({ error })}\n\n` : `event: error\ndata: ${JSON.stringify(error)}\n\n`);
  }
}
