const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const [OPEN_ARRAY, OPEN_OBJECT, CLOSE_ARRAY, CLOSE_OBJECT] = [0x5b, 0x7b, 0x5d, 0x7d];
const MODEL = Buffer.from('model');
const MODEL_KEY = Buffer.from('"model"');
const MESSAGE = Buffer.from('message');

const isWhitespace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * Puts the model name the caller sent back into llama-server's replies as they pass, instead of llama-server's
 * own (its file or alias): the `model` member of each top-level JSON object, and of a top-level `message`
 * object (Anthropic's streamed `message_start`). One pass over the bytes without parsing or buffering: it
 * tracks nesting and strings across chunks (string contents are skipped with native searches), so a body split
 * anywhere is handled. In `once` mode (a JSON body) it stops after the first replacement and relays the rest
 * untouched; for SSE it keeps going, and after a replacement skips to the end of that event.
 */
export class ModelEcho {
  private readonly replacement: Buffer;
  private depth = 0;
  /** Whether the containers at depth 1 and 2 are objects, and whether a key comes next in them. */
  private readonly isObject = [false, false, false];
  private readonly expectKey = [false, false, false];
  private inString = false;
  private escaped = false;
  /** The string being read is a key at depth 1 or 2, compared with `model` and `message` as it is read. */
  private readingKey = false;
  private keyLength = 0;
  private mayBeModel = false;
  private mayBeMessage = false;
  private lastKey: 'model' | 'message' | 'other' = 'other';
  /** The depth-2 object is the value of the top-level `message`. */
  private inMessage = false;
  /** After `"model":`, waiting for the value; then dropping the original string up to its closing quote. */
  private awaitingValue = false;
  private dropping = false;
  /** SSE: the model of this event is replaced; skipping to the event's end (a blank line), counting line ends. */
  private skippingEvent = false;
  private lineEnds = 0;
  private done = false;

  constructor(
    model: string,
    private readonly once: boolean,
  ) {
    this.replacement = Buffer.from(JSON.stringify(model));
  }

  /** Whole SSE events (what the SSE tap forwards): text without `"model"` cannot change and is passed as it is. */
  pushEvents(events: Buffer | string): Buffer | string {
    if (typeof events === 'string') return events.includes('"model"') ? this.push(Buffer.from(events)) : events;
    return events.includes(MODEL_KEY) ? this.push(events) : events;
  }

  push(chunk: Buffer): Buffer {
    if (this.done) return chunk;
    let parts: Buffer[] | undefined;
    // A chunk that starts inside the dropped name loses its first bytes.
    let changed = this.dropping;
    let keepFrom = 0;
    let i = 0;
    const length = chunk.length;
    while (i < length) {
      if (this.skippingEvent) {
        i = this.skipEvent(chunk, i);
        continue;
      }
      if (this.inString) {
        if (this.readingKey) {
          i = this.readKey(chunk, i);
          continue;
        }
        // Values (and the name being dropped): find the closing quote. A loop beats indexOf on short strings.
        let escaped = this.escaped;
        let quote = -1;
        for (; i < length; i++) {
          const byte = chunk[i];
          if (escaped) escaped = false;
          else if (byte === BACKSLASH) escaped = true;
          else if (byte === QUOTE) {
            quote = i;
            break;
          }
        }
        this.escaped = escaped;
        if (quote === -1) break;
        this.inString = false;
        i = quote + 1;
        if (this.dropping) {
          this.dropping = false;
          changed = true;
          keepFrom = i;
          if (this.once) {
            this.done = true;
            break;
          }
          this.skippingEvent = true;
          this.lineEnds = 0;
        }
        continue;
      }
      const byte = chunk[i] as number;
      if (this.awaitingValue && !isWhitespace(byte)) {
        this.awaitingValue = false;
        if (byte === QUOTE) {
          (parts ??= []).push(chunk.subarray(keepFrom, i), this.replacement);
          changed = true;
          this.inString = true;
          this.dropping = true;
          i++;
          continue;
        }
      }
      i++;
      // Most bytes outside strings (digits, letters of literals, spaces) change nothing.
      if (byte === QUOTE || byte === COLON || byte === COMMA || byte === OPEN_OBJECT || byte === OPEN_ARRAY || byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        this.structural(byte);
        if (this.done) break;
      }
    }
    if (!changed) return chunk;
    parts ??= [];
    if (!this.dropping) parts.push(chunk.subarray(keepFrom));
    return Buffer.concat(parts);
  }

  /** Reads a key's bytes from `at`; returns where reading stopped. */
  private readKey(chunk: Buffer, at: number): number {
    let i = at;
    for (; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (this.escaped) {
        this.escaped = false;
        this.mayBeModel = this.mayBeMessage = false;
      } else if (byte === BACKSLASH) this.escaped = true;
      else if (byte === QUOTE) {
        this.inString = false;
        this.readingKey = false;
        this.lastKey = this.mayBeModel && this.keyLength === MODEL.length ? 'model' : this.mayBeMessage && this.keyLength === MESSAGE.length ? 'message' : 'other';
        return i + 1;
      } else {
        if (MODEL[this.keyLength] !== byte) this.mayBeModel = false;
        if (MESSAGE[this.keyLength] !== byte) this.mayBeMessage = false;
        this.keyLength++;
      }
    }
    return i;
  }

  /** After a replaced model, up to the blank line that ends the event; returns where it stopped. */
  private skipEvent(chunk: Buffer, at: number): number {
    for (let i = at; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === LF) {
        if (++this.lineEnds === 2) {
          this.skippingEvent = false;
          this.depth = 0;
          return i + 1;
        }
      } else if (byte !== CR) this.lineEnds = 0;
    }
    return chunk.length;
  }

  private structural(byte: number): void {
    const depth = this.depth;
    if (byte === QUOTE) {
      this.inString = true;
      this.readingKey = depth > 0 && depth <= 2 && this.isObject[depth] === true && this.expectKey[depth] === true;
      this.keyLength = 0;
      this.mayBeModel = this.mayBeMessage = true;
    } else if (byte === COLON) {
      if (depth > 0 && depth <= 2 && this.isObject[depth]) {
        this.expectKey[depth] = false;
        this.awaitingValue = this.lastKey === 'model' && (depth === 1 || this.inMessage);
      }
    } else if (byte === COMMA) {
      if (depth > 0 && depth <= 2 && this.isObject[depth]) this.expectKey[depth] = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      this.depth = depth + 1;
      if (this.depth <= 2) {
        this.isObject[this.depth] = byte === OPEN_OBJECT;
        this.expectKey[this.depth] = byte === OPEN_OBJECT;
        if (this.depth === 2) this.inMessage = byte === OPEN_OBJECT && this.lastKey === 'message';
      }
      this.lastKey = 'other';
    } else {
      this.depth = Math.max(0, depth - 1);
      this.lastKey = 'other';
      if (this.depth === 0 && this.once) this.done = true;
    }
  }
}
