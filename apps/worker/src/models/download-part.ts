import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { GGUF_HEADER_BYTES, isGgufHeader } from '@gguf/core';

/**
 * The `.part` file a download writes into, with the SHA-256 of what it holds kept in step, so the
 * hash of a resumed download covers the whole file and is ready the moment the last byte lands.
 * Beside it, `.part.etag` keeps the file's ETag, so a resume in a later call asks for the rest of
 * that same file (If-Range) and gets the whole file again if it has changed since.
 */
export class PartFile {
  /** The strong ETag of the file the part belongs to, when a server gave one. */
  etag: string | undefined;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private hash: Hash,
    /** Bytes in the file (and in the hash). */
    public size: number,
  ) {}

  private get etagPath(): string {
    return `${this.path}.etag`;
  }

  /**
   * Opens (or creates) the part file. What an earlier, interrupted download left is re-hashed to be
   * resumed, unless it does not start like a GGUF file: then it is dropped and the download starts over.
   */
  static async open(path: string): Promise<PartFile> {
    const handle = await open(path, 'a+', 0o644);
    try {
      const part = new PartFile(path, handle, createHash('sha256'), 0);
      const { size } = await handle.stat();
      const header = Buffer.alloc(GGUF_HEADER_BYTES);
      const { bytesRead } = await handle.read(header, 0, header.length, 0);
      if (size < GGUF_HEADER_BYTES || !isGgufHeader(header.subarray(0, bytesRead))) {
        await part.reset();
        return part;
      }
      for await (const chunk of createReadStream(path, { end: size - 1 })) part.hash.update(chunk as Buffer);
      part.size = size;
      part.etag = await readFile(part.etagPath, 'utf8').catch(() => undefined);
      return part;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async append(chunk: Uint8Array): Promise<void> {
    await this.handle.write(chunk);
    this.hash.update(chunk);
    this.size += chunk.length;
  }

  /** Remembers which file the bytes belong to (kept across calls). */
  async setEtag(etag: string | undefined): Promise<void> {
    if (etag === this.etag) return;
    this.etag = etag;
    if (etag === undefined) await rm(this.etagPath, { force: true });
    else await writeFile(this.etagPath, etag, { mode: 0o600 });
  }

  /** Empties the file, to start the download over. */
  async reset(): Promise<void> {
    await this.handle.truncate(0);
    this.hash = createHash('sha256');
    this.size = 0;
    await this.setEtag(undefined);
  }

  /** After a failed attempt: drops any bytes of a write that did not complete, so file and hash agree. */
  async settle(): Promise<void> {
    if ((await this.handle.stat()).size !== this.size) await this.handle.truncate(this.size);
  }

  /** Moves the complete file to `destination`, readable by servers that run as another user. */
  async commit(destination: string): Promise<{ bytes: number; sha256: string }> {
    await this.handle.chmod(0o644);
    await this.handle.sync();
    await this.handle.close();
    await rename(this.path, destination);
    await rm(this.etagPath, { force: true });
    return { bytes: this.size, sha256: this.hash.digest('hex') };
  }

  /** Closes the file; an empty one (nothing worth resuming) is removed. */
  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    if (this.size === 0) await Promise.all([rm(this.path, { force: true }), rm(this.etagPath, { force: true })]);
  }
}
