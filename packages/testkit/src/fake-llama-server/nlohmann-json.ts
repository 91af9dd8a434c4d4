/**
 * How llama-server's JSON library, nlohmann::json, reads a request body: the same strict grammar, the same
 * checks (well-formed UTF-8, no lone surrogate escapes, no raw control characters, no number overflowing a
 * double) and the same exception text, position and "last read" included. llama-server answers any of these
 * with a 500 carrying the exception text; JavaScript's JSON.parse would accept some of them silently.
 */

export type LlamaJson = { ok: true; value: unknown } | { ok: false; message: string };

const EOF = -1;
const CONTROL_NAMES = 'NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US'.split(' ');
const SHORT_ESCAPES: Record<number, string> = { 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0c: 'f', 0x0d: 'r' };
const hex4 = (code: number) => code.toString(16).toUpperCase().padStart(4, '0');

/** UTF-8 continuation ranges after each kind of lead byte, as nlohmann checks them. */
function continuationRanges(lead: number): [number, number][] | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return [[0x80, 0xbf]];
  if (lead === 0xe0) return [[0xa0, 0xbf], [0x80, 0xbf]];
  if ((lead >= 0xe1 && lead <= 0xec) || lead === 0xee || lead === 0xef) return [[0x80, 0xbf], [0x80, 0xbf]];
  if (lead === 0xed) return [[0x80, 0x9f], [0x80, 0xbf]];
  if (lead === 0xf0) return [[0x90, 0xbf], [0x80, 0xbf], [0x80, 0xbf]];
  if (lead >= 0xf1 && lead <= 0xf3) return [[0x80, 0xbf], [0x80, 0xbf], [0x80, 0xbf]];
  if (lead === 0xf4) return [[0x80, 0x8f], [0x80, 0xbf], [0x80, 0xbf]];
  return undefined;
}

type Token = '[' | ']' | '{' | '}' | ':' | ',' | 'string' | 'number' | 'true' | 'false' | 'null' | 'end' | 'error';

const TOKEN_NAMES: Record<Token | 'literal_or_value', string> = {
  '[': "'['",
  ']': "']'",
  '{': "'{'",
  '}': "'}'",
  ':': "':'",
  ',': "','",
  string: 'string literal',
  number: 'number literal',
  true: 'true literal',
  false: 'false literal',
  null: 'null literal',
  end: 'end of input',
  error: '<parse error>',
  literal_or_value: "'[', '{', or a literal",
};

class Failure extends Error {}

/** nlohmann's lexer: reads byte by byte, counting lines and columns the way its error positions do. */
class Lexer {
  private index = 0;
  private total = 0;
  private line = 0;
  private column = 0;
  private current = EOF;
  private token: number[] = [];
  errorMessage = '';
  /** The last number token overflowed a double. */
  overflowed = false;

  constructor(private readonly bytes: Buffer) {}

  get position(): string {
    return `at line ${this.line + 1}, column ${this.column}`;
  }

  get emptyInput(): boolean {
    return this.total === 1;
  }

  /** The current token's text, control characters shown as <U+XXXX>, as nlohmann reports "last read". */
  tokenString(): string {
    return this.token.map((byte) => (byte <= 0x1f ? `<U+${hex4(byte)}>` : String.fromCharCode(byte))).join('').replace(/[\x80-\xff]+/g, (raw) => Buffer.from(raw, 'latin1').toString('utf8'));
  }

  private get(): number {
    this.total++;
    this.column++;
    this.current = this.index < this.bytes.length ? (this.bytes[this.index++] as number) : EOF;
    if (this.current !== EOF) this.token.push(this.current);
    if (this.current === 0x0a) {
      this.line++;
      this.column = 0;
    }
    return this.current;
  }

  private unget(): void {
    this.total--;
    if (this.column === 0) this.line--;
    else this.column--;
    if (this.current !== EOF) {
      this.index--;
      this.token.pop();
    }
  }

  private fail(message: string): Token {
    this.errorMessage = message;
    return 'error';
  }

  private codepoint(): number {
    let code = 0;
    for (let i = 0; i < 4; i++) {
      const digit = Number.parseInt(String.fromCharCode(this.get()), 16);
      if (Number.isNaN(digit)) return -1;
      code = code * 16 + digit;
    }
    return code;
  }

  /** A string or number token starts here: "last read" restarts with it (other tokens keep accumulating, as in nlohmann). */
  private reset(): void {
    this.token = [this.current];
  }

  private string(): Token {
    this.reset();
    for (;;) {
      const byte = this.get();
      if (byte === EOF) return this.fail('invalid string: missing closing quote');
      if (byte === 0x22) return 'string';
      if (byte <= 0x1f) {
        const short = SHORT_ESCAPES[byte];
        return this.fail(`invalid string: control character U+${hex4(byte)} (${CONTROL_NAMES[byte]}) must be escaped to \\u${hex4(byte)}${short ? ` or \\${short}` : ''}`);
      }
      if (byte === 0x5c) {
        const escape = this.get();
        if (escape === 0x75) {
          const code = this.codepoint();
          if (code === -1) return this.fail("invalid string: '\\u' must be followed by 4 hex digits");
          if (code >= 0xdc00 && code <= 0xdfff) return this.fail('invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF');
          if (code >= 0xd800 && code <= 0xdbff) {
            if (this.get() !== 0x5c || this.get() !== 0x75) return this.fail('invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF');
            const low = this.codepoint();
            if (low === -1) return this.fail("invalid string: '\\u' must be followed by 4 hex digits");
            if (low < 0xdc00 || low > 0xdfff) return this.fail('invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF');
          }
        } else if (!'"\\/bfnrt'.includes(String.fromCharCode(escape))) {
          return this.fail('invalid string: forbidden character after backslash');
        }
        continue;
      }
      if (byte >= 0x80) {
        const ranges = continuationRanges(byte);
        if (!ranges) return this.fail('invalid string: ill-formed UTF-8 byte');
        for (const [low, high] of ranges) {
          const next = this.get();
          if (next < low || next > high) return this.fail('invalid string: ill-formed UTF-8 byte');
        }
      }
    }
  }

  private digits(): void {
    while (this.get() >= 0x30 && this.current <= 0x39);
  }

  private number(first: number): Token {
    this.reset();
    let byte = first;
    if (byte === 0x2d) {
      byte = this.get();
      if (byte < 0x30 || byte > 0x39) return this.fail("invalid number; expected digit after '-'");
    }
    if (byte === 0x30) this.get();
    else this.digits();
    if (this.current === 0x2e) {
      if (this.get() < 0x30 || this.current > 0x39) return this.fail("invalid number; expected digit after '.'");
      this.digits();
    }
    if (this.current === 0x65 || this.current === 0x45) {
      const sign = this.get();
      if (sign === 0x2b || sign === 0x2d) {
        if (this.get() < 0x30 || this.current > 0x39) return this.fail('invalid number; expected digit after exponent sign');
      } else if (sign < 0x30 || sign > 0x39) return this.fail("invalid number; expected '+', '-', or digit after exponent");
      this.digits();
    }
    this.unget();
    // Integers too large for 64 bits are read as doubles, so only a double's range matters.
    this.overflowed = !Number.isFinite(Number(Buffer.from(this.token).toString('latin1')));
    return 'number';
  }

  private literal(expected: string, token: Token): Token {
    for (const char of expected.slice(1)) if (this.get() !== char.charCodeAt(0)) return this.fail('invalid literal');
    return token;
  }

  scan(): Token {
    if (this.total === 0) {
      // A UTF-8 byte order mark may start the input.
      if (this.get() === 0xef) {
        if (this.get() !== 0xbb || this.get() !== 0xbf) return this.fail('invalid BOM; must be 0xEF 0xBB 0xBF if given');
      } else this.unget();
    }
    let byte = this.get();
    while (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) byte = this.get();
    switch (byte) {
      case 0x5b: return '[';
      case 0x5d: return ']';
      case 0x7b: return '{';
      case 0x7d: return '}';
      case 0x3a: return ':';
      case 0x2c: return ',';
      case 0x22: return this.string();
      case 0x74: return this.literal('true', 'true');
      case 0x66: return this.literal('false', 'false');
      case 0x6e: return this.literal('null', 'null');
      case EOF: return 'end';
      default:
        return byte === 0x2d || (byte >= 0x30 && byte <= 0x39) ? this.number(byte) : this.fail('invalid literal');
    }
  }
}

/** nlohmann's strict parser, reduced to validation: throws its exception text at the first error. */
function validate(bytes: Buffer): void {
  const lexer = new Lexer(bytes);
  let last: Token = 'end';
  const next = () => {
    last = lexer.scan();
    if (last === 'number' && lexer.overflowed) throw new Failure(`[json.exception.out_of_range.406] number overflow parsing '${lexer.tokenString()}'`);
    return last;
  };
  const error = (context: string, expected?: Token | 'literal_or_value'): Failure => {
    const what = last === 'error' ? `${lexer.errorMessage}; last read: '${lexer.tokenString()}'` : `unexpected ${TOKEN_NAMES[last]}`;
    return new Failure(`[json.exception.parse_error.101] parse error ${lexer.position}: syntax error while parsing ${context} - ${what}${expected ? `; expected ${TOKEN_NAMES[expected]}` : ''}`);
  };
  const key = () => {
    if (next() !== 'string') throw error('object key', 'string');
    if (next() !== ':') throw error('object separator', ':');
  };
  const containers: ('[' | '{')[] = [];
  let token = next();
  for (;;) {
    // A value is expected here.
    if (token === '{' || token === '[') {
      const first = next();
      if (first !== (token === '{' ? '}' : ']')) {
        containers.push(token);
        if (token === '[') token = first;
        else {
          if (first !== 'string') throw error('object key', 'string');
          if (next() !== ':') throw error('object separator', ':');
          token = next();
        }
        continue;
      }
    } else if (token === 'error') throw error('value');
    else if (token === 'end' && lexer.emptyInput) {
      throw new Failure(`[json.exception.parse_error.101] parse error ${lexer.position}: attempting to parse an empty input; check that your input string or stream contains the expected JSON`);
    } else if (!['string', 'number', 'true', 'false', 'null'].includes(token)) throw error('value', 'literal_or_value');
    // The value is complete: close containers or move to their next element.
    for (;;) {
      const open = containers.at(-1);
      if (open === undefined) {
        if (next() !== 'end') throw error('value', 'end');
        return;
      }
      const close = open === '{' ? '}' : ']';
      const after = next();
      if (after === ',') {
        if (open === '{') key();
        token = next();
        break;
      }
      if (after !== close) throw error(open === '{' ? 'object' : 'array', close);
      containers.pop();
    }
  }
}

/** Parses a request body as llama-server does; on failure, `message` is the exception text it would answer 500 with. */
export function parseLlamaJson(body: Buffer): LlamaJson {
  try {
    validate(body);
  } catch (error) {
    if (error instanceof Failure) return { ok: false, message: error.message };
    throw error;
  }
  const start = body[0] === 0xef ? 3 : 0;
  return { ok: true, value: JSON.parse(body.subarray(start).toString('utf8')) };
}

/** nlohmann's name for a value's type, as its type errors print it. */
export function jsonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return 'number';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** The exception nlohmann throws when llama-server reads a value as a type it is not. */
export function typeError(expected: string, value: unknown): string {
  return `[json.exception.type_error.302] type must be ${expected}, but is ${jsonTypeName(value)}`;
}
