import { createHash } from 'node:crypto';

export const EMBEDDING_DIMENSIONS = 16;

/** A deterministic unit-length vector for a text: equal texts embed equally, different texts (almost surely) not. */
export function embed(text: string): number[] {
  const digest = createHash('sha256').update(text).digest();
  const raw = Array.from({ length: EMBEDDING_DIMENSIONS }, (_, i) => digest.readUInt16BE(i * 2) / 0x7fff - 1);
  const norm = Math.hypot(...raw) || 1;
  return raw.map((value) => value / norm);
}

/** The OpenAI base64 encoding: little-endian float32s (the openai SDK asks for this by default). */
export function toBase64(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}
