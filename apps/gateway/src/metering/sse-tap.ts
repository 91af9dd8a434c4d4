import { StringDecoder } from 'node:string_decoder';
import type { Protocol } from '../routes';
import { type Tokens, readUsage } from './usage';

/**
 * Frames an upstream SSE stream into whole events as bytes arrive and reads token usage from them
 * (OpenAI: the chunk carrying `usage`; Anthropic: `message_start` and `message_delta`). Only an incomplete
 * trailing event is ever held back, which a client could not use yet anyway. When the gateway asked for
 * usage on the caller's behalf, the usage-only chunk (`choices: []`) is removed so the caller gets exactly
 * the stream it asked for. An error llama-server reports inside its 200 stream (a generation that failed
 * partway: `data: {"error":…}`, or `event: error` on Anthropic routes) is taken out too and its message kept in
 * `upstreamError`: the relay ends the stream with the gateway's own error event instead.
 */
export class SseTap {
  readonly tokens: Tokens = { input: 0, output: 0 };
  sawUsage = false;
  upstreamError: string | undefined;
  private pending = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly protocol: Protocol,
    private readonly stripUsageOnlyChunk: boolean,
  ) {}

  /** What to forward for this chunk: the chunk itself in the common case, or undefined while an event is incomplete. */
  push(chunk: Buffer): Buffer | string | undefined {
    const text = this.pending + this.decoder.write(chunk);
    const end = lastBoundary(text);
    if (end === -1) {
      this.pending = text;
      return undefined;
    }
    const whole = end === text.length && this.pending === '';
    const complete = end === text.length ? text : text.slice(0, end);
    this.pending = end === text.length ? '' : text.slice(end);
    if (!complete.includes('"usage"') && !complete.includes('error')) return whole ? chunk : complete;
    const kept = this.inspect(complete);
    return kept === complete && whole ? chunk : kept;
  }

  /** Reads usage and errors from each event; returns the text to forward. */
  private inspect(complete: string): string {
    const events = complete.split(/\r?\n\r?\n/);
    events.pop();
    let dropped = false;
    const kept = events.filter((event) => {
      const data = dataOf(event);
      if (!data.includes('"usage"') && !event.includes('error')) return true;
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(data) as Record<string, unknown>;
      } catch {
        return true;
      }
      const error = this.errorOf(event, parsed);
      if (error !== undefined) {
        this.upstreamError ??= error;
        dropped = true;
        return false;
      }
      if (!data.includes('"usage"')) return true;
      if (this.protocol === 'anthropic') {
        const usage = parsed.type === 'message_start' ? (parsed.message as Record<string, unknown> | undefined)?.usage : parsed.usage;
        this.sawUsage = readUsage(usage, this.tokens) || this.sawUsage;
        return true;
      }
      this.sawUsage = readUsage(parsed.usage, this.tokens) || this.sawUsage;
      const usageOnly = this.stripUsageOnlyChunk && Array.isArray(parsed.choices) && parsed.choices.length === 0 && parsed.usage != null;
      if (usageOnly) dropped = true;
      return !usageOnly;
    });
    if (!dropped) return complete;
    return kept.map((event) => `${event}\n\n`).join('');
  }

  /** The message of an error event, or undefined for any other event. */
  private errorOf(event: string, parsed: Record<string, unknown>): string | undefined {
    if (this.protocol === 'anthropic') {
      if (!/^event: ?error\r?$/m.test(event)) return undefined;
      return messageOf(parsed.type === 'error' ? parsed.error : parsed);
    }
    return 'error' in parsed && parsed.error !== null ? messageOf(parsed.error) : undefined;
  }
}

const UNNAMED_ERROR = 'The deployment failed while generating the response.';

/** llama-server's error object: `{code, message, type}`, alone on Anthropic routes, under `error` on OpenAI ones. */
function messageOf(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' && message !== '' ? message : UNNAMED_ERROR;
}

function lastBoundary(text: string): number {
  const lf = text.lastIndexOf('\n\n');
  const crlf = text.lastIndexOf('\r\n\r\n');
  return Math.max(lf === -1 ? -1 : lf + 2, crlf === -1 ? -1 : crlf + 4);
}

function dataOf(event: string): string {
  let data = '';
  for (const line of event.split(/\r?\n/)) {
    if (line.startsWith('data:')) data += (data === '' ? '' : '\n') + line.slice(line.charCodeAt(5) === 32 ? 6 : 5);
  }
  return data;
}
