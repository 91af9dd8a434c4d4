import { mkdir } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AllowedHosts, backoffDelay, checkModelUrl, GGUF_HEADER_BYTES, isGgufHeader } from '@gguf/core';
import { connectionProblem, DownloadError, networkError, notGguf, refusedUrl, statusError, tooLarge } from './download-error';
import { PartFile } from './download-part';
import { getFollowingRedirects, type GuardedRequestOptions, type Resolver, systemResolver } from './download-request';

export { DownloadError } from './download-error';
export type { Resolver } from './download-request';

export interface DownloadProgress {
  /** Bytes of the file on disk so far, including what an earlier attempt left. */
  bytes: number;
  /** The file's size once the server has said it. */
  totalBytes: number | null;
}

export interface DownloadOptions {
  url: string;
  /** The final path; the download goes to `${destination}.part` and is renamed once complete and verified. */
  destination: string;
  /** Credentials such as a Hugging Face token's Authorization: sent to the URL's own origin only. */
  headers?: Record<string, string>;
  maxBytes: number;
  allow: AllowedHosts;
  /** Default: the system resolver (getaddrinfo), every address. */
  resolve?: Resolver;
  /** An extra trusted CA (tests); production uses the system store and NODE_EXTRA_CA_CERTS. */
  ca?: string;
  /** Stops the download, keeping the part for a later call to resume; the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called after every chunk written; throttle in the caller. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Until a response's headers arrive (default 30 s). */
  connectTimeoutMs?: number;
  /** Longest silence from the server (default 60 s). */
  idleTimeoutMs?: number;
  /** Attempts after a transient failure within this call, each resuming where the last stopped (default 3). */
  retries?: number;
  /** First pause before a retry, doubling (default 1 s). */
  retryDelayMs?: number;
}

export interface DownloadResult {
  bytes: number;
  sha256: string;
}

interface Settings extends Omit<GuardedRequestOptions, 'headers'> {
  maxBytes: number;
  onProgress: (progress: DownloadProgress) => void;
}

/**
 * Downloads a model file from a tenant's URL (or the hub) safely: the URL, every redirect and every
 * resolved address pass the SSRF guard and connections go to the checked address only; the file must
 * start like a GGUF file and stay within `maxBytes`; an interrupted download resumes with Range, within
 * this call and across calls. Failures are DownloadErrors whose messages a tenant may read.
 */
export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  const checked = checkModelUrl(options.url, options.allow);
  if (!checked.ok) throw refusedUrl(checked.detail);
  const settings: Settings = {
    allow: options.allow,
    resolve: options.resolve ?? systemResolver,
    credentials: options.headers ?? {},
    ca: options.ca,
    signal: options.signal,
    connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
    maxBytes: options.maxBytes,
    onProgress: options.onProgress ?? (() => undefined),
  };
  const retries = options.retries ?? 3;
  await mkdir(dirname(options.destination), { recursive: true });
  const part = await PartFile.open(`${options.destination}.part`);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await fetchInto(part, checked.url, settings);
        return await part.commit(options.destination);
      } catch (error) {
        options.signal?.throwIfAborted();
        // Anything else (the disk, a bug) is the worker's problem, not the download's: it propagates as it is.
        if (!(error instanceof DownloadError) || error.permanent || attempt > retries) throw error;
      }
      await part.settle();
      await sleep(backoffDelay(attempt, options.retryDelayMs ?? 1_000, 30_000), undefined, { signal: options.signal }).catch(() => options.signal?.throwIfAborted());
    }
  } finally {
    await part.close();
  }
}

/** One attempt, resuming from the part's size; the part holds the whole file when it resolves. */
async function fetchInto(part: PartFile, url: URL, settings: Settings): Promise<void> {
  // If-Range: the rest of the same file, or (when it has changed) the whole new one.
  const range: Record<string, string> = part.size > 0 ? { range: `bytes=${part.size}-`, ...(part.etag && { 'if-range': part.etag }) } : {};
  const response = await getFollowingRedirects(url, { ...settings, headers: range });
  try {
    const total = await acceptResponse(response, part, settings);
    if (total === 'complete') return;
    const etag = response.headers.etag;
    await part.setEtag(etag && !etag.startsWith('W/') ? etag : undefined);
    await receiveBody(response, part, total, settings);
    // Cut short without the connection failing visibly (a close-delimited body): resume from here.
    if (total !== null && part.size < total) throw connectionProblem(`body ended at ${part.size} of ${total} bytes`);
  } finally {
    response.destroy();
  }
}

/** Checks the answer's status and size, readies the part for its body, and returns the file's total size if known. */
async function acceptResponse(response: IncomingMessage, part: PartFile, settings: Settings): Promise<number | null | 'complete'> {
  const status = response.statusCode ?? 0;
  const contentRange = response.headers['content-range'];
  let total: number | null;
  if (status === 200) {
    // The server ignored the Range (or the file changed): start over.
    if (part.size > 0) await part.reset();
    total = parseLength(response.headers['content-length']);
  } else if (status === 206) {
    const match = contentRange?.match(/^bytes (\d+)-(\d+)\/(\d+|\*)$/);
    if (!match || Number(match[1]) !== part.size) {
      await part.reset();
      throw connectionProblem(`206 with Content-Range ${contentRange} for a part of ${part.size} bytes`);
    }
    total = match[3] === '*' ? null : Number(match[3]);
  } else if (status === 416) {
    // Nothing left to send: the part may already be the whole file.
    if (part.size > 0 && contentRange === `bytes */${part.size}`) return 'complete';
    await part.reset();
    throw connectionProblem(`416 with Content-Range ${contentRange} for a part of ${part.size} bytes`);
  } else {
    throw statusError(status);
  }
  if (total !== null && total > settings.maxBytes) {
    await part.reset();
    throw tooLarge(settings.maxBytes);
  }
  settings.onProgress({ bytes: part.size, totalBytes: total });
  return total;
}

/** Appends the body to the part; the first bytes of a file are checked for the GGUF magic before any is written. */
async function receiveBody(response: IncomingMessage, part: PartFile, total: number | null, settings: Settings): Promise<void> {
  let head: Buffer | null = part.size === 0 ? Buffer.alloc(0) : null;
  for await (const received of networkChunks(response)) {
    let chunk = received;
    if (part.size + (head?.length ?? 0) + chunk.length > settings.maxBytes) {
      await part.reset();
      throw tooLarge(settings.maxBytes);
    }
    if (head) {
      head = Buffer.concat([head, chunk]);
      if (head.length < GGUF_HEADER_BYTES) continue;
      if (!isGgufHeader(head)) throw await refuseNotGguf(part);
      [chunk, head] = [head, null];
    }
    await part.append(chunk);
    settings.onProgress({ bytes: part.size, totalBytes: total });
  }
  if (head) throw await refuseNotGguf(part);
}

/** The body's chunks; a failure of the connection while reading becomes a DownloadError. */
async function* networkChunks(response: IncomingMessage): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of response) yield chunk as Buffer;
  } catch (error) {
    throw networkError(error);
  }
}

async function refuseNotGguf(part: PartFile): Promise<DownloadError> {
  await part.reset();
  return notGguf();
}

function parseLength(header: string | undefined): number | null {
  return header !== undefined && /^\d+$/.test(header) ? Number(header) : null;
}
