/**
 * Docker's multiplexed log format (containers without a TTY): frames of an 8-byte header
 * [stream, 0, 0, 0, size (uint32 BE)] followed by `size` bytes of output.
 */
export type StreamKind = 'stdout' | 'stderr';

export class Demuxer {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns the complete frames they finish, in order. */
  push(chunk: Buffer): { stream: StreamKind; text: string }[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: { stream: StreamKind; text: string }[] = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const kind = this.pending[0] === 2 ? 'stderr' : 'stdout';
      frames.push({ stream: kind, text: this.pending.subarray(8, 8 + size).toString('utf8') });
      this.pending = this.pending.subarray(8 + size);
    }
    return frames;
  }
}

/** The text of a complete multiplexed buffer (a non-following `logs` call), streams interleaved as written. */
export function demuxBuffer(buffer: Buffer): string {
  // An engine may answer raw text for TTY containers; frames always start with 0, 1 or 2 then three zeros.
  const framed = buffer.length >= 8 && buffer[0]! <= 2 && buffer[1] === 0 && buffer[2] === 0 && buffer[3] === 0;
  if (!framed) return buffer.toString('utf8');
  return new Demuxer()
    .push(buffer)
    .map((frame) => frame.text)
    .join('');
}
