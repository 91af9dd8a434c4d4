const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const [OPEN_ARRAY, OPEN_OBJECT, CLOSE_ARRAY, CLOSE_OBJECT] = [0x5b, 0x7b, 0x5d, 0x7d];
const MODEL = Buffer.from('model');
const MESSAGE = Buffer.from('message');
/** Longer keys are neither `model` nor `message`; only this many bytes of a key are kept. */
const KEY_BYTES = 8;

const isWhitespace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * Puts the model name the caller sent back into llama-server's replies as they pass, instead of llama-server's
 * own (its file or alias): the `model` member of each top-level JSON object, and of a top-level `message`
 * object (Anthropic's streamed `message_start`). One pass over the bytes without parsing or buffering: it
 * tracks nesting and strings across chunks, so a body split anywhere is handled. In `once` mode (a JSON body)
 * it stops looking after the first replacement and relays the rest untouched; for SSE it keeps going, event
 * after event, and skips any text of whole events that holds no `"model"`.
 */
export class ModelEcho {
  private readonly replacement: Buffer;
  private depth = 0;
  /** Whether the containers at depth 1 and 2 are objects, and whether a key comes next in them. */
  private readonly isObject = [false, false, false];
  private readonly expectKey = [false, false, false];
  private inString = false;
  private escaped = false;
  /** The string being read is a key at depth 1 or 2; its first bytes. */
  private readingKey = false;
  private readonly key = Buffer.alloc(KEY_BYTES);
  private keyLength = 0;
  private lastKey: 'model' | 'message' | 'other' = 'other';
  /** Depth-2 object is the value of the top-level `message`. */
  private inMessage = false;
  /** After `"model":`, waiting for the value; then dropping the original string up to its closing quote. */
  private awaitingValue = false;
  private dropping = false;
  private done = false;

  constructor(
    model: string,
    private readonly once: boolean,
  ) {
    this.replacement = Buffer.from(JSON.stringify(model));
  }

  /** Whole SSE events (what the SSE tap forwards): text without `"model"` cannot change and is passed as it is. */
  pushEvents(events: Buffer | string): Buffer | string {
    if (!events.includes('"model"')) return events;
    return this.push(typeof events === 'string' ? Buffer.from(events) : events);
  }

  push(chunk: Buffer): Buffer {
    if (this.done) return chunk;
    const parts: Buffer[] = [];
    // A chunk that starts inside the dropped name loses its first bytes.
    let changed = this.dropping;
    let keepFrom = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) {
          this.inString = false;
          if (this.dropping) {
            this.dropping = false;
            changed = true;
            keepFrom = i + 1;
            if (this.once) {
              this.done = true;
              break;
            }
          } else if (this.readingKey) this.endKey();
        } else if (this.readingKey && this.keyLength < KEY_BYTES) this.key[this.keyLength++] = byte;
        else if (this.readingKey) this.keyLength = KEY_BYTES + 1;
        continue;
      }
      if (this.awaitingValue && !isWhitespace(byte)) {
        this.awaitingValue = false;
        if (byte === QUOTE) {
          parts.push(chunk.subarray(keepFrom, i), this.replacement);
          changed = true;
          this.inString = true;
          this.dropping = true;
          continue;
        }
      }
      this.structural(byte);
      if (this.done) break;
    }
    if (!changed) return chunk;
    if (!this.dropping) parts.push(chunk.subarray(keepFrom));
    return Buffer.concat(parts);
  }

  private endKey(): void {
    this.readingKey = false;
    const key = this.key.subarray(0, this.keyLength);
    this.lastKey = key.equals(MODEL) ? 'model' : key.equals(MESSAGE) ? 'message' : 'other';
  }

  private structural(byte: number): void {
    const depth = this.depth;
    if (byte === QUOTE) {
      this.inString = true;
      this.readingKey = depth > 0 && depth <= 2 && this.isObject[depth] === true && this.expectKey[depth] === true;
      this.keyLength = 0;
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
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      this.depth = Math.max(0, depth - 1);
      this.lastKey = 'other';
      if (this.depth === 0 && this.once) this.done = true;
    }
  }
}
