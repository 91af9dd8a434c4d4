import { open, stat, truncate } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { LineBatcher, LineSplitter } from '../lines';
import type { FollowLogsOptions, LogFollower } from '../types';

/**
 * Follows a server's log file while the server runs: new lines in batches, a cursor (inode and
 * offset) after each, so a worker restart resumes where it stopped; a file past `maxBytes` is
 * emptied once shipped (the server appends, so nothing is torn).
 */
export function followLogFile(file: string, options: FollowLogsOptions, settings: { pollMs: number; maxBytes: number; isRunning: () => Promise<boolean> }): LogFollower {
  const { pollMs, maxBytes, isRunning } = settings;
  const batcher = new LineBatcher(options.sink);
  const splitter = new LineSplitter();
  let [inode, offset] = parseCursor(options.cursor);
  let stopped = false;

  const readNew = async (): Promise<void> => {
    let info;
    try {
      info = await stat(file);
    } catch {
      return;
    }
    if (inode !== undefined && info.ino !== inode) offset = 0;
    inode = info.ino;
    if (info.size < offset) offset = 0;
    if (info.size === offset) return;
    const handle = await open(file, 'r');
    try {
      const length = info.size - offset;
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      offset += bytesRead;
      batcher.add(splitter.push(buffer.subarray(0, bytesRead).toString('utf8')));
    } finally {
      await handle.close();
    }
    await batcher.flush();
    options.onCursor?.(`${inode}:${offset}`);
    if (offset >= maxBytes) {
      // The server opened the file for appending, so its next line simply starts at 0.
      await truncate(file, 0).catch(() => undefined);
      offset = 0;
      options.onCursor?.(`${inode}:0`);
    }
  };

  const done = (async () => {
    while (!stopped) {
      await readNew().catch(() => undefined);
      if (!(await isRunning())) {
        await readNew().catch(() => undefined);
        break;
      }
      await sleep(pollMs);
    }
    batcher.add(splitter.flush());
    await batcher.flush();
  })();
  return {
    done,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

function parseCursor(cursor: string | undefined): [number | undefined, number] {
  const match = cursor ? /^(\d+):(\d+)$/.exec(cursor) : null;
  return match ? [Number(match[1]), Number(match[2])] : [undefined, 0];
}

/** The last `lines` lines of a file, reading only its end. */
export async function tailFile(file: string, lines: number, maxBytes = 256 * 1024): Promise<string[]> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return [];
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const text = buffer.toString('utf8');
    return text.split('\n').map((line) => line.replace(/\r$/, '')).filter((line) => line.trim() !== '').slice(-lines);
  } finally {
    await handle.close();
  }
}
