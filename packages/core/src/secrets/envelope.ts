/**
 * The text form of a sealed secret, as stored in a database column:
 *
 *   gse1.<key id>.<wrapped data key>.<iv>.<ciphertext>.<tag>      (each part base64url)
 *
 * `gse1` names the format, so a later format can be told apart and old values stay readable. The key id
 * names the master key that wrapped the data key, so a value says which key opens it (current or previous).
 */
export const ENVELOPE_VERSION = 'gse1';

export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;
/** The wrapped data key: its own IV, the encrypted 32-byte key and its tag. */
export const WRAPPED_KEY_BYTES = IV_BYTES + DATA_KEY_BYTES + TAG_BYTES;

export interface Envelope {
  keyId: string;
  wrappedKey: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

const B64 = '[A-Za-z0-9_-]';
const PATTERN = new RegExp(`^${ENVELOPE_VERSION}\\.(${B64}{8})\\.(${B64}+)\\.(${B64}+)\\.(${B64}*)\\.(${B64}+)$`);

export function formatEnvelope(envelope: Envelope): string {
  const parts = [envelope.wrappedKey, envelope.iv, envelope.ciphertext, envelope.tag].map((part) => part.toString('base64url'));
  return [ENVELOPE_VERSION, envelope.keyId, ...parts].join('.');
}

/** The parts of a well-formed envelope, or undefined when `value` is not one (or was cut or padded). */
export function parseEnvelope(value: string): Envelope | undefined {
  const match = PATTERN.exec(value);
  if (!match) return undefined;
  const [, keyId, wrappedKey, iv, ciphertext, tag] = match as unknown as [string, string, string, string, string, string];
  const envelope = { keyId, wrappedKey: decode(wrappedKey), iv: decode(iv), ciphertext: decode(ciphertext), tag: decode(tag) };
  const sizesRight = envelope.wrappedKey.length === WRAPPED_KEY_BYTES && envelope.iv.length === IV_BYTES && envelope.tag.length === TAG_BYTES;
  // Re-encoding must give the same text: refuses non-canonical base64url that would decode to the same bytes.
  return sizesRight && formatEnvelope(envelope) === value ? envelope : undefined;
}

/**
 * What every envelope format (this one or a later one) starts with, as opposed to a plaintext value written
 * before secrets were sealed. A damaged envelope still matches: it must fail to open, never be mistaken for
 * plaintext and sealed again. The same text is a JavaScript and a PostgreSQL regular expression.
 */
export const SEALED_PATTERN = '^gse\\d+\\.';

export function looksSealed(value: string): boolean {
  return new RegExp(SEALED_PATTERN).test(value);
}

function decode(part: string): Buffer {
  return Buffer.from(part, 'base64url');
}
