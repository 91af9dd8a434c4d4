import { type Agent, request } from 'node:http';
import { connect } from 'node:net';

/** One malformed request; `raw` bytes go to the socket as they are, for what an HTTP client refuses to send. */
export interface FuzzCase {
  /** Category and variant, e.g. "chat_completions: lone surrogate in a key". */
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Send the body in chunks without Content-Length (chunked transfer encoding). */
  chunked?: boolean;
  raw?: Buffer;
  /** After the raw bytes, close our side (a client that gives up mid-request). */
  hangUp?: boolean;
  /** The status this case must get, where the answer is certain. */
  expect?: number;
  /** The error shape a 4xx under a deployment must have. */
  protocol?: 'openai' | 'anthropic';
}

export interface FuzzAnswer {
  /** 0: the connection closed without an answer. */
  status: number;
  body: string;
}

const ANSWER_TIMEOUT_MS = 15_000;

/** Sends one case to the gateway at 127.0.0.1:port. Never rejects: a failure to answer is status 0. */
export function send(port: number, agent: Agent, fuzz: FuzzCase): Promise<FuzzAnswer> {
  return fuzz.raw ? sendRaw(port, fuzz.raw, fuzz.hangUp === true) : sendHttp(port, agent, fuzz);
}

function sendHttp(port: number, agent: Agent, fuzz: FuzzCase): Promise<FuzzAnswer> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...fuzz.headers };
    if (fuzz.body && !fuzz.chunked && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) headers['content-length'] = String(fuzz.body.length);
    const req = request({ host: '127.0.0.1', port, method: fuzz.method, path: fuzz.path, headers, agent, timeout: ANSWER_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    // The gateway may answer (413) and close before the whole body is written: that is an answer, not an error.
    req.on('error', () => resolve({ status: 0, body: '' }));
    if (fuzz.body && fuzz.chunked) {
      const half = Math.floor(fuzz.body.length / 2);
      req.write(fuzz.body.subarray(0, half));
      req.end(fuzz.body.subarray(half));
    } else req.end(fuzz.body);
  });
}

/** The first final (non-1xx) status line in a raw answer, 0 if there is none. */
function finalStatus(text: string): number {
  for (const match of text.matchAll(/HTTP\/1\.[01] (\d{3})/g)) {
    const status = Number(match[1]);
    if (status >= 200) return status;
  }
  return 0;
}

function sendRaw(port: number, bytes: Buffer, hangUp: boolean): Promise<FuzzAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: finalStatus(text), body: text });
    };
    // A request the gateway is still waiting on (incomplete headers) is answered by its headers timeout at most.
    const timer = setTimeout(finish, ANSWER_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // One answer is all a case needs; keep-alive would otherwise hold the socket open.
      if (finalStatus(Buffer.concat(chunks).toString('latin1')) !== 0) setTimeout(finish, 50);
    });
    socket.on('close', finish);
    socket.on('error', finish);
    if (hangUp) socket.end(bytes);
    else socket.write(bytes);
  });
}
