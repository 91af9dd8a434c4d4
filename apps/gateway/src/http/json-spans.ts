/**
 * Where values sit in JSON text that is already known to be valid (it parsed), so a request can be edited in
 * place and every other byte stays as the caller sent it. Byte offsets into the UTF-8 buffer.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const [OPEN_ARRAY, OPEN_OBJECT, CLOSE_ARRAY, CLOSE_OBJECT] = [0x5b, 0x7b, 0x5d, 0x7d];

const isWhitespace = (byte: number | undefined) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

export function skipWhitespace(text: Buffer, at: number): number {
  let i = at;
  while (isWhitespace(text[i])) i++;
  return i;
}

/** `at` is an opening quote; returns the offset just after the closing one. */
function skipString(text: Buffer, at: number): number {
  for (let i = text.indexOf(QUOTE, at + 1); i !== -1; i = text.indexOf(QUOTE, i + 1)) {
    let backslashes = 0;
    while (text[i - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return i + 1;
  }
  return text.length;
}

/** The offset just after the value starting at `at`. */
export function skipValue(text: Buffer, at: number): number {
  const first = text[at];
  if (first === QUOTE) return skipString(text, at);
  if (first !== OPEN_ARRAY && first !== OPEN_OBJECT) {
    let i = at;
    while (i < text.length && text[i] !== COMMA && text[i] !== CLOSE_ARRAY && text[i] !== CLOSE_OBJECT && !isWhitespace(text[i])) i++;
    return i;
  }
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const byte = text[i];
    if (byte === QUOTE) i = skipString(text, i) - 1;
    else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) depth++;
    else if ((byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) && --depth === 0) return i + 1;
  }
  return text.length;
}

export interface MemberSpan {
  key: string;
  /** Offset of the key's opening quote. */
  start: number;
  valueStart: number;
  valueEnd: number;
}

/** The members of the top-level object, in order (a key given twice appears twice). */
export function topLevelMembers(text: Buffer): MemberSpan[] {
  const members: MemberSpan[] = [];
  let i = skipWhitespace(text, 0);
  if (text[i] !== OPEN_OBJECT) return members;
  i = skipWhitespace(text, i + 1);
  while (text[i] === QUOTE) {
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.toString('utf8', i, keyEnd)) as string;
    const colon = skipWhitespace(text, keyEnd);
    if (text[colon] !== COLON) break;
    const valueStart = skipWhitespace(text, colon + 1);
    const valueEnd = skipValue(text, valueStart);
    members.push({ key, start: i, valueStart, valueEnd });
    i = skipWhitespace(text, valueEnd);
    if (text[i] !== COMMA) break;
    i = skipWhitespace(text, i + 1);
  }
  return members;
}

/** The span to cut to remove one member, with the comma that separates it from a neighbour. */
export function memberRemoval(members: readonly MemberSpan[], index: number): [number, number] {
  const member = members[index] as MemberSpan;
  const next = members[index + 1];
  if (next) return [member.start, next.start];
  const previous = members[index - 1];
  return [previous ? previous.valueEnd : member.start, member.valueEnd];
}

/** The span to cut to remove the first element of the array at `arrayStart`; undefined when it is the only one. */
export function firstElementRemoval(text: Buffer, arrayStart: number): [number, number] | undefined {
  const first = skipWhitespace(text, arrayStart + 1);
  const after = skipWhitespace(text, skipValue(text, first));
  if (text[after] !== COMMA) return undefined;
  return [first, skipWhitespace(text, after + 1)];
}

export function splice(text: Buffer, [start, end]: [number, number], insert = ''): Buffer {
  return Buffer.concat([text.subarray(0, start), Buffer.from(insert), text.subarray(end)]);
}
