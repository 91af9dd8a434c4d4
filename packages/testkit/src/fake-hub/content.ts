import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/**
 * Files the fake hub serves, generated from a seed: any byte range can be produced on demand, so a
 * multi-GiB file costs no memory or disk, and the same seed always gives the same bytes.
 */
export interface FakeFile {
  size: number;
  /** A strong ETag, as the hub and CDNs send (the real hub's is the file's SHA-256). */
  etag: string;
  /** Bytes [start, end), in chunks of at most 64 KiB. */
  stream(start: number, end: number): Readable;
}

const CHUNK = 64 * 1024;

/** A GGUF-looking header: the magic "GGUF" and version 3, little-endian. */
export const GGUF_V3_HEADER = Uint8Array.from([0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0]);

function generatedFile(seed: string, size: number, header: Uint8Array): FakeFile {
  const key = createHash('sha256').update(seed).digest();
  // Position-addressable filler: byte i depends only on i and the seed.
  const byteAt = (i: number) => (i < header.length ? header[i]! : (key[i % 32]! ^ (i >>> 8) ^ (i * 131)) & 0xff);
  const chunk = (start: number, end: number) => {
    const out = Buffer.allocUnsafe(end - start);
    for (let i = start; i < end; i++) out[i - start] = byteAt(i);
    return out;
  };
  return {
    size,
    etag: `"${createHash('sha256').update(`${seed}:${size}`).digest('hex')}"`,
    stream: (start, end) =>
      Readable.from(
        (function* () {
          for (let at = start; at < end; at += CHUNK) yield chunk(at, Math.min(end, at + CHUNK));
        })(),
      ),
  };
}

/** A small model-like file: "GGUF", version 3, then deterministic bytes. */
export function fakeGgufFile(seed: string, size: number): FakeFile {
  return generatedFile(seed, size, GGUF_V3_HEADER);
}

/** What a misconfigured server often sends instead of a model: an HTML page. */
export function fakeHtmlFile(seed: string, size: number): FakeFile {
  return generatedFile(seed, size, new TextEncoder().encode('<!DOCTYPE html><html><body>Sign in</body></html>\n'));
}

/** The whole content, for tests that compare a download or its SHA-256 (small files only). */
export async function fakeFileBytes(file: FakeFile): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of file.stream(0, file.size)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
