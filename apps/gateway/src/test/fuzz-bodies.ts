/**
 * Malformed bodies for one POST route, derived from a valid one: the structured families below (each with the
 * status it must get when that is certain) and seeded random byte-level mutations. Deterministic: the same seed
 * gives the same bodies on every run.
 */

export interface BodyVariant {
  name: string;
  body: Buffer;
  expect?: number;
}


const text = (value: string) => Buffer.from(value, 'utf8');
const json = (value: unknown) => text(JSON.stringify(value));
/** The valid body with one more member, written as raw JSON text. */
const withMember = (valid: string, member: string) => text(`${valid.slice(0, -1)},${member}}`);
/** The valid body with a string member whose value holds raw bytes (possibly not UTF-8). */
const withRawBytes = (valid: Record<string, unknown>, bytes: number[]) => {
  const [before, after] = JSON.stringify({ ...valid, note: '@@' }).split('@@') as [string, string];
  return Buffer.concat([text(before), Buffer.from(bytes), text(after)]);
};

const JUNK = ['{nope', '{"a":}', '[1,]', "{'a':1}", 'NaN', '{"a":1,}', '/* comment */{}', '{"a" 1}', '}{', '{"a":"unterminated}', '\uFEFF{}', 'null', '[]', '"string"', '1', 'true'];
const BAD_UTF8 = [[0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xc0, 0xaf], [0xff], [0xf4, 0x90, 0x80, 0x80], [0x80]];
const BAD_MODELS = [[], {}, 1, null, true];

/** Values for the field a route's checks focus on (messages, prompt, input, ...): anything may come back but a 5xx. */
export const FIELD_VALUES: unknown[] = [
  undefined, null, 5, -1, 1.5, true, 'str', '', [], {}, [null], [1], [1.5], [{}], [[]], [[1, 'a']], ['a', {}], [['a']],
  [{ role: 5, content: 'x' }], [{ content: 'no role' }], [{ role: 'user' }], [{ role: 'user', content: 5 }],
  [{ role: 'user', content: [{ type: 'text' }] }], [{ role: 'user', content: [{ text: 'no type' }] }],
  [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] }],
  [{ role: 'assistant', tool_calls: [{}] }], [{ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: {} } }] }],
  [{ role: 'tool', content: 'x', tool_call_id: null }], { prompt_string: 'x' }, [-1, 2 ** 40], 'word '.repeat(20_000),
];

/** The structured families; `focus` is the route's main field. */
export function structuredBodies(valid: Record<string, unknown>, focus: string): BodyVariant[] {
  const validText = JSON.stringify(valid);
  const variants: BodyVariant[] = [
    { name: 'empty', body: Buffer.alloc(0), expect: 400 },
    ...[0.25, 0.5, 0.75].map((share) => ({ name: `truncated at ${share}`, body: text(validText.slice(0, Math.floor(validText.length * share))), expect: 400 })),
    { name: 'missing the last brace', body: text(validText.slice(0, -1)), expect: 400 },
    ...JUNK.map((junk) => ({ name: `junk ${JSON.stringify(junk)}`, body: text(junk), expect: 400 })),
    // Lone surrogates: JSON.stringify writes them as \uXXXX escapes, which is what a client would send.
    { name: 'lone low surrogate in an extra field', body: json({ ...valid, note: 'x\udc00' }), expect: 400 },
    { name: 'reversed surrogate pair', body: json({ ...valid, note: 'x\udc00\ud800y' }), expect: 400 },
    { name: 'high surrogate before a letter', body: text(`${validText.slice(0, -1)},"note":"\\ud800\\u0041"}`), expect: 400 },
    { name: 'lone surrogate in a key', body: json({ ...valid, '\udfff': 1 }), expect: 400 },
    { name: 'lone surrogate nested deep', body: json({ ...valid, extra: { a: [{ b: ['ok', '\udbff'] }] } }), expect: 400 },
    { name: 'lone surrogate in model', body: json({ ...valid, model: 'm\ud801' }), expect: 400 },
    ...BAD_UTF8.map((bytes) => ({ name: `raw bytes ${Buffer.from(bytes).toString('hex')}`, body: withRawBytes(valid, bytes), expect: 400 })),
    { name: 'escaped NUL in a value', body: json({ ...valid, note: 'a\u0000b' }), expect: 400 },
    { name: 'escaped NUL in a key', body: json({ ...valid, 'a\u0000': 1 }), expect: 400 },
    { name: 'raw NUL inside a string', body: withRawBytes(valid, [0x00]), expect: 400 },
    { name: 'raw NUL after the body', body: text(`${validText}\u0000`), expect: 400 },
    { name: 'number overflow', body: withMember(validText, '"temperature":1e999'), expect: 400 },
    { name: 'negative number overflow', body: withMember(validText, '"x":[-1e400]'), expect: 400 },
    { name: 'huge but finite numbers', body: withMember(validText, '"seed":123456789012345678901234567890,"top_p":1e308,"min_p":1e-400') },
    { name: 'nested 128 deep', body: withMember(validText, `"deep":${'['.repeat(127)}${']'.repeat(127)}`) },
    ...[128, 5_000, 100_000].map((levels) => ({ name: `nested ${levels + 1} deep`, body: withMember(validText, `"deep":${'['.repeat(levels)}${']'.repeat(levels)}`), expect: 400 })),
    ...BAD_MODELS.map((model) => ({ name: `model ${JSON.stringify(model)}`, body: json({ ...valid, model }), expect: 400 })),
    { name: 'duplicate focus key', body: withMember(validText, `"${focus}":"again"`) },
    { name: '__proto__ member', body: withMember(validText, '"__proto__":{"model":5}') },
  ];
  const focusWithSurrogate = mutateStrings(valid[focus], (s) => `${s}\ud800`);
  if (JSON.stringify(focusWithSurrogate) !== JSON.stringify(valid[focus])) {
    variants.push({ name: 'lone high surrogate in the focus field', body: json({ ...valid, [focus]: focusWithSurrogate }), expect: 400 });
  }
  for (const [index, value] of FIELD_VALUES.entries()) {
    const body = { ...valid };
    if (value === undefined) delete body[focus];
    else body[focus] = value;
    variants.push({ name: `${focus} #${index} ${JSON.stringify(value)?.slice(0, 40) ?? 'missing'}`, body: json(body) });
  }
  return variants;
}

/** Applies `change` to every string inside a value (the value itself if it is one). */
function mutateStrings(value: unknown, change: (s: string) => string): unknown {
  if (typeof value === 'string') return change(value);
  if (Array.isArray(value)) return value.map((item) => mutateStrings(item, change));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mutateStrings(item, change)]));
  return value;
}

const INSERTIONS = ['{', '}', '[', ']', '"', ':', ',', '\\', '\\u', '\\ud800', '\\udfff', '\\u0000', 'null', '1e999', '-', '0', '\u00ff', '\u{1f600}', ' ', '\n'];

/** `count` seeded byte-level mutations of a valid body: deletions, insertions, replacements, truncations, repeats. */
export function randomBodies(valid: Record<string, unknown>, count: number, random: () => number): BodyVariant[] {
  const validBytes = json(valid);
  const pick = (n: number) => Math.floor(random() * n);
  const variants: BodyVariant[] = [];
  for (let i = 0; i < count; i++) {
    let bytes = validBytes;
    const steps = 1 + pick(3);
    const done: string[] = [];
    for (let step = 0; step < steps; step++) {
      const at = pick(bytes.length + 1);
      const op = pick(5);
      if (op === 0 && bytes.length > 0) bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
      else if (op === 1) bytes = Buffer.concat([bytes.subarray(0, at), text(INSERTIONS[pick(INSERTIONS.length)] as string), bytes.subarray(at)]);
      else if (op === 2 && at < bytes.length) bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([pick(256)]), bytes.subarray(at + 1)]);
      else if (op === 3) bytes = bytes.subarray(0, at);
      else bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(pick(bytes.length), at), bytes.subarray(at)]);
      done.push(`${['delete', 'insert', 'replace', 'truncate', 'repeat'][op]}@${at}`);
    }
    variants.push({ name: `random #${i} ${done.join(' ')}`, body: bytes });
  }
  return variants;
}
