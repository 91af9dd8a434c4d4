/**
 * A GGUF file starts with the ASCII magic "GGUF" and a little-endian uint32 version. Checked on the first
 * bytes of a download, before the rest is fetched, and before a server is started on a file.
 */
export const GGUF_HEADER_BYTES = 8;

const MAGIC = [0x47, 0x47, 0x55, 0x46]; // "GGUF"
/** The versions llama.cpp loads: it refuses version 1 ("no longer supported") and anything newer than 3. */
const SUPPORTED_VERSIONS = new Set([2, 3]);

export function isGgufHeader(firstBytes: Uint8Array): boolean {
  if (firstBytes.length < GGUF_HEADER_BYTES || !MAGIC.every((byte, index) => firstBytes[index] === byte)) return false;
  const version = new DataView(firstBytes.buffer, firstBytes.byteOffset, GGUF_HEADER_BYTES).getUint32(4, true);
  return SUPPORTED_VERSIONS.has(version);
}
