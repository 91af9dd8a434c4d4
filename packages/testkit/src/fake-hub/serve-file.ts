import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeFile } from './content';

/** How one response misbehaves, to exercise a client's resume and limits. */
export interface ServeFault {
  /** Send the headers and this many body bytes, then drop the connection. */
  cutAfter?: number;
  /** Send the headers and this many body bytes, then send nothing more until the client gives up. */
  stallAfter?: number;
  /** Stream without Content-Length (chunked), so a client learns the size only by reading. */
  omitLength?: boolean;
  /** Send this many body bytes, then wait `pauseMs` before sending the rest: a download caught half way. */
  pauseAfter?: number;
  pauseMs?: number;
}

type Range = { start: number; end: number } | 'unsatisfiable' | null;

/** A single `bytes=` range (start-end, start-, -suffix); anything else is ignored, as servers may. */
export function parseRange(header: string | undefined, size: number): Range {
  const match = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size : Math.min(size, Number(match[2]) + 1);
  if (match[2] !== '' && end <= start) return null;
  return start >= size ? 'unsatisfiable' : { start, end };
}

/** Answers GET or HEAD for a file with Range and If-Range support; `onSent` hears each body piece before it is written. */
export async function serveFile(req: IncomingMessage, res: ServerResponse, file: FakeFile, fault: ServeFault = {}, onSent: (bytes: number) => void = () => undefined): Promise<void> {
  const ifRange = req.headers['if-range'];
  const range = ifRange === undefined || ifRange === file.etag ? parseRange(req.headers.range, file.size) : null;
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', file.etag);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${file.size}` }).end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: file.size };
  res.setHeader('Content-Type', 'application/octet-stream');
  if (!fault.omitLength) res.setHeader('Content-Length', end - start);
  if (range) res.setHeader('Content-Range', `bytes ${start}-${end - 1}/${file.size}`);
  res.writeHead(range ? 206 : 200);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  let sent = 0;
  let paused = fault.pauseAfter === undefined;
  for await (const chunk of file.stream(start, end)) {
    if (res.destroyed) break;
    if (!paused && sent >= fault.pauseAfter!) {
      paused = true;
      await sleep(fault.pauseMs ?? 1_000);
    }
    const room = (fault.cutAfter ?? fault.stallAfter ?? Infinity) - sent;
    const piece = (chunk as Buffer).subarray(0, room);
    sent += piece.length;
    onSent(piece.length);
    if (piece.length < (chunk as Buffer).length) {
      // Flush what the client may have, then cut or go silent: the client sees a body shorter than announced.
      await new Promise<void>((resolve) => res.write(piece, () => resolve()));
      // end(), not destroy(): TLS may still hold some of those bytes, and the cut must come after them.
      if (fault.cutAfter !== undefined) res.socket?.end();
      else if (!res.destroyed) await once(res, 'close');
      return;
    }
    if (!res.write(piece)) await drainedOrClosed(res);
  }
  if (!res.destroyed) res.end();
}

/** Waits for the response to take more (or go away), leaving no listener behind for the next chunk. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
