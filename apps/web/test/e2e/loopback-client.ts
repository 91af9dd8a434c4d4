import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/**
 * One HTTP request from a chosen loopback address (127.0.0.0/8 all reach this machine), so a test
 * can play several clients; a new connection each time.
 */
export function call(url: string, options: { method?: string; from?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, localAddress: options.from ?? '127.0.0.1', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text, json: parse(text) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export interface UploadResult {
  /** Body bytes the client managed to hand to its socket before the server answered or hung up. */
  written: number;
  /** The status line and headers of the answer, if one came. */
  head: string;
  /** The socket error that ended the upload (EPIPE, ECONNRESET), or null if it was written whole. */
  error: string | null;
}

/**
 * Sends a request with a body of `size` bytes (Content-Length, or chunked), pushing 64 KiB at a
 * time as fast as the socket takes it, and stops at the first byte of an answer. Raw TCP, so
 * nothing in between buffers or retries.
 */
export function upload(port: number, path: string, size: number, options: { headers?: Record<string, string>; chunked?: boolean; from?: string } = {}): Promise<UploadResult> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: options.from ?? '127.0.0.1' });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let written = 0;
    let head = '';
    let error: string | null = null;
    let answered = false;
    socket.on('data', (data) => {
      head += data.toString('latin1');
      answered = true;
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => resolve({ written, head: head.split('\r\n\r\n')[0] ?? '', error }));
    socket.on('connect', () => {
      const framing = options.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${size}`;
      const extra = Object.entries(options.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n${framing}\r\n${extra}\r\n`);
      const pump = () => {
        while (written < size && !answered && !socket.destroyed) {
          const piece = options.chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk;
          written += chunk.length;
          if (!socket.write(piece)) return void socket.once('drain', pump);
        }
        if (written >= size && !answered && !socket.destroyed) {
          if (options.chunked) socket.write('0\r\n\r\n');
          // Sent whole: wait for the answer, then hang up.
          socket.once('data', () => socket.end());
        } else if (!socket.destroyed) socket.end();
      };
      pump();
    });
  });
}
