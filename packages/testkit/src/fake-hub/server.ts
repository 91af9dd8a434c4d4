import { createHash, createHmac, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { FakeFile } from './content';
import { serveFile, type ServeFault } from './serve-file';
import { makeSelfSignedTls, type SelfSignedTls } from './tls';

/** What a response should do instead of behaving: misbehave while serving, or answer a status. */
export type Fault = ServeFault | { status: number };

export interface RecordedRequest {
  method: string;
  /** The Host header as sent, e.g. "cdn.test:41234". */
  host: string;
  path: string;
  range?: string;
  ifRange?: string;
  authorization?: string;
  /** The status answered (0 until the headers are written). */
  readonly status: number;
  /** File bytes written so far in this response (up to the cut, when one was asked for). */
  bytesSent: number;
}

export interface FakeHubOptions {
  tls?: SelfSignedTls;
  /** Host of the hub's API (the HF_ENDPOINT); default hub.test. */
  hubHost?: string;
  /** Host the hub redirects file downloads to, like cdn-lfs.hf.co; default cdn.test. */
  cdnHost?: string;
  /** Host of plain URL files; default models.test. */
  urlHost?: string;
}

/**
 * An HTTPS server on 127.0.0.1 that behaves like the Hugging Face hub and its CDN, and serves plain URL
 * files, for download tests. It answers to any name; tests point names at it with an injected resolver.
 */
export interface FakeHub {
  port: number;
  /** The certificate a client must trust (pass it as `ca`). */
  ca: string;
  /** The hub's base URL, like HF_ENDPOINT: https://hub.test:PORT. */
  endpoint: string;
  url(host: string, path: string): string;
  /** Publishes a repository file; returns its `/{repo}/resolve/{revision}/{file}` URL. */
  addRepoFile(repo: string, file: string, content: FakeFile, revision?: string): string;
  /** Makes a repository gated: downloads need `Authorization: Bearer <token>`. */
  gateRepo(repo: string, token: string): void;
  /** Serves a file at a path on every host; returns its URL on the URL host. */
  addUrlFile(path: string, content: FakeFile): string;
  /** Answers `path` with a redirect; returns the path's URL on the URL host. */
  redirect(path: string, location: string, status?: number): string;
  /** The next responses serving `content` misbehave, one fault each, in order. */
  fault(content: FakeFile, ...faults: Fault[]): void;
  readonly requests: readonly RecordedRequest[];
  /** TCP connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

const RESOLVE = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/;

export async function startFakeHub(options: FakeHubOptions = {}): Promise<FakeHub> {
  const tls = options.tls ?? makeSelfSignedTls();
  const [hubHost, cdnHost, urlHost] = [options.hubHost ?? 'hub.test', options.cdnHost ?? 'cdn.test', options.urlHost ?? 'models.test'];
  const signingKey = randomBytes(16);
  const repoFiles = new Map<string, FakeFile>(); // "repo@revision/file"
  const blobs = new Map<string, FakeFile>(); // blob id → file
  const gates = new Map<string, string>(); // repo → token
  const repos = new Set<string>();
  const urlFiles = new Map<string, FakeFile>();
  const redirects = new Map<string, { location: string; status: number }>();
  const faults = new Map<FakeFile, Fault[]>();
  const requests: RecordedRequest[] = [];
  let connections = 0;
  let port = 0;

  const sign = (blobId: string) => createHmac('sha256', signingKey).update(blobId).digest('hex');
  const url = (host: string, path: string) => `https://${host}:${port}${path}`;

  /** An error the way the hub reports it: a status, X-Error-Code and a JSON body. */
  const hubError = (res: ServerResponse, status: number, code: string, message: string) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'X-Error-Code': code, 'X-Error-Message': message }).end(JSON.stringify({ error: message }));
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, file: FakeFile, record: RecordedRequest): Promise<void> => {
    const fault = faults.get(file)?.shift();
    if (fault && 'status' in fault) res.writeHead(fault.status, { 'Content-Type': 'text/plain' }).end(`fake hub: status ${fault.status}\n`);
    else await serveFile(req, res, file, fault, (bytes) => (record.bytesSent += bytes));
  };

  const resolve = (req: IncomingMessage, res: ServerResponse, [, repo, revision, file]: string[]): void => {
    const token = gates.get(repo!);
    const bearer = req.headers.authorization?.replace(/^Bearer /, '');
    // Like the hub: a missing repository and a private one look the same to a caller without access.
    if (!repos.has(repo!)) hubError(res, 401, 'RepoNotFound', 'Repository not found');
    else if (token !== undefined && bearer === undefined) hubError(res, 401, 'GatedRepo', 'Access to this model is restricted; you must be authenticated');
    else if (token !== undefined && bearer !== token) hubError(res, 403, 'GatedRepo', 'Access to this model is restricted');
    else {
      const content = repoFiles.get(`${repo}@${revision}/${file}`);
      if (!content) return hubError(res, 404, 'EntryNotFound', 'Entry not found');
      const blobId = createHash('sha256').update(`${repo}@${revision}/${file}`).digest('hex');
      blobs.set(blobId, content);
      res.writeHead(302, {
        Location: url(cdnHost, `/repos/${blobId.slice(0, 2)}/${blobId}?X-Amz-Expires=3600&X-Amz-Signature=${sign(blobId)}`),
        'X-Linked-Size': String(content.size),
        'X-Linked-ETag': content.etag,
        'X-Repo-Commit': createHash('sha1').update(`${repo}@${revision}`).digest('hex'),
        ETag: content.etag,
      });
      res.end();
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Promise<void> => {
    const { pathname, searchParams } = new URL(req.url ?? '/', 'https://fake-hub');
    const redirect = redirects.get(pathname);
    if (redirect) return void res.writeHead(redirect.status, { Location: redirect.location }).end();
    const resolveMatch = pathname.match(RESOLVE);
    if (resolveMatch) return resolve(req, res, resolveMatch.map(decodeURIComponent));
    const blob = pathname.match(/^\/repos\/[0-9a-f]{2}\/([0-9a-f]{64})$/);
    if (blob) {
      const content = blobs.get(blob[1]!);
      // Like S3 behind the CDN: a URL without a valid signature is refused.
      if (content && searchParams.get('X-Amz-Signature') === sign(blob[1]!)) return serve(req, res, content, record);
      return void res.writeHead(403, { 'Content-Type': 'application/xml' }).end('<Error><Code>AccessDenied</Code></Error>');
    }
    const file = urlFiles.get(pathname);
    if (file) return serve(req, res, file, record);
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found\n');
  };

  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      host: req.headers.host ?? '',
      path: req.url ?? '/',
      ...(req.headers.range && { range: req.headers.range }),
      ...(typeof req.headers['if-range'] === 'string' && { ifRange: req.headers['if-range'] }),
      ...(req.headers.authorization && { authorization: req.headers.authorization }),
      get status() {
        return res.headersSent ? res.statusCode : 0;
      },
      bytesSent: 0,
    };
    requests.push(record);
    route(req, res, record).catch(() => res.destroy());
  });
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;

  return {
    port,
    ca: tls.cert,
    endpoint: `https://${hubHost}:${port}`,
    url,
    addRepoFile(repo, file, content, revision = 'main') {
      repos.add(repo);
      repoFiles.set(`${repo}@${revision}/${file}`, content);
      return url(hubHost, `/${repo}/resolve/${revision}/${file}`);
    },
    gateRepo: (repo, token) => void gates.set(repo, token),
    addUrlFile(path, content) {
      urlFiles.set(path, content);
      return url(urlHost, path);
    },
    redirect(path, location, status = 302) {
      redirects.set(path, { location, status });
      return url(urlHost, path);
    },
    fault: (content, ...added) => void faults.set(content, [...(faults.get(content) ?? []), ...added]),
    get requests() {
      return requests;
    },
    get connections() {
      return connections;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
