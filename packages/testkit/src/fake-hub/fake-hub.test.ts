import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeFileBytes, fakeGgufFile, fakeHtmlFile, GGUF_V3_HEADER } from './content';
import { guardLoopbackOnly } from './loopback-guard';
import { startFakeHub, type FakeHub } from './server';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  error?: string;
}

/** Every test name is 127.0.0.1 here: nothing leaves loopback. */
function get(hub: FakeHub, url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(url, { method, headers, ca: hub.ca, agent: false, lookup: (_h, _o, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (error) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), error: error.message }));
    });
    req.on('error', (error) => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), error: error.message }));
    req.end();
  });
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('fake hub', () => {
  let hub: FakeHub;
  const model = fakeGgufFile('tiny', 200_000);
  const big = fakeGgufFile('big', 5 * 1024 ** 3);

  beforeAll(async () => {
    hub = await startFakeHub();
    hub.addRepoFile('org/tiny-GGUF', 'tiny-Q4.gguf', model);
    hub.addRepoFile('org/gated-GGUF', 'm.gguf', model);
    hub.gateRepo('org/gated-GGUF', 'hf_right');
    hub.addUrlFile('/files/big.gguf', big);
  });
  afterAll(() => hub.close());

  it('generates GGUF-looking files: magic, version 3, the same bytes for the same seed', async () => {
    const bytes = await fakeFileBytes(model);
    expect(bytes.length).toBe(200_000);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from(GGUF_V3_HEADER));
    expect(sha256(await fakeFileBytes(fakeGgufFile('tiny', 200_000)))).toBe(sha256(bytes));
    expect(sha256(await fakeFileBytes(fakeGgufFile('other', 200_000)))).not.toBe(sha256(bytes));
    expect((await fakeFileBytes(fakeHtmlFile('x', 100))).subarray(0, 15).toString()).toBe('<!DOCTYPE html>');
  });

  it('resolves a repository file with a redirect to a signed CDN URL, like the hub', async () => {
    const answer = await get(hub, `${hub.endpoint}/org/tiny-GGUF/resolve/main/tiny-Q4.gguf`, {}, 'HEAD');
    expect(answer.status).toBe(302);
    expect(answer.headers['x-linked-size']).toBe('200000');
    expect(answer.headers['x-linked-etag']).toBe(model.etag);
    const location = new URL(answer.headers.location!);
    expect(location.host).toBe(`cdn.test:${hub.port}`);
    expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);

    const blob = await get(hub, location.href);
    expect(blob.status).toBe(200);
    expect(sha256(blob.body)).toBe(sha256(await fakeFileBytes(model)));

    location.searchParams.set('X-Amz-Signature', '0'.repeat(64));
    expect((await get(hub, location.href)).status).toBe(403);
  });

  it('answers 401 and 403 for a gated repository without the right token, 404 for a missing file, 401 for a missing repository', async () => {
    const gated = `${hub.endpoint}/org/gated-GGUF/resolve/main/m.gguf`;
    expect((await get(hub, gated)).headers['x-error-code']).toBe('GatedRepo');
    expect((await get(hub, gated)).status).toBe(401);
    expect((await get(hub, gated, { Authorization: 'Bearer hf_wrong' })).status).toBe(403);
    expect((await get(hub, gated, { Authorization: 'Bearer hf_right' })).status).toBe(302);
    const missing = await get(hub, `${hub.endpoint}/org/tiny-GGUF/resolve/main/nope.gguf`);
    expect([missing.status, missing.headers['x-error-code']]).toEqual([404, 'EntryNotFound']);
    expect((await get(hub, `${hub.endpoint}/org/none/resolve/main/m.gguf`)).status).toBe(401);
    expect((await get(hub, `${hub.endpoint}/org/tiny-GGUF/resolve/v2/tiny-Q4.gguf`)).status).toBe(404);
  });

  it('serves ranges, refuses unsatisfiable ones, and ignores a Range whose If-Range no longer matches', async () => {
    const url = hub.addUrlFile('/ranges/tiny.gguf', model);
    const whole = await fakeFileBytes(model);
    const tail = await get(hub, url, { Range: 'bytes=150000-' });
    expect([tail.status, tail.headers['content-range'], tail.headers['content-length']]).toEqual([206, 'bytes 150000-199999/200000', '50000']);
    expect(tail.body.equals(whole.subarray(150_000))).toBe(true);
    expect((await get(hub, url, { Range: 'bytes=10-19' })).body.equals(whole.subarray(10, 20))).toBe(true);
    expect((await get(hub, url, { Range: 'bytes=-5' })).body.equals(whole.subarray(-5))).toBe(true);
    const beyond = await get(hub, url, { Range: 'bytes=200000-' });
    expect([beyond.status, beyond.headers['content-range']]).toEqual([416, 'bytes */200000']);
    expect((await get(hub, url, { Range: 'bytes=100-', 'If-Range': model.etag })).status).toBe(206);
    expect((await get(hub, url, { Range: 'bytes=100-', 'If-Range': '"stale"' })).status).toBe(200);
  });

  it('cuts a response once after N bytes, then serves normally; can stream without a length or answer a status', async () => {
    const file = fakeGgufFile('cut', 100_000);
    const url = hub.addUrlFile('/faults/cut.gguf', file);
    hub.fault(file, { cutAfter: 30_000 }, { status: 503 }, { omitLength: true });
    const cut = await get(hub, url);
    expect(cut.error).toBeDefined();
    expect(cut.body.length).toBeLessThanOrEqual(30_000);
    expect((await get(hub, url)).status).toBe(503);
    const chunked = await get(hub, url);
    expect([chunked.status, chunked.headers['content-length'], chunked.headers['transfer-encoding'], chunked.body.length]).toEqual([200, undefined, 'chunked', 100_000]);
    expect((await get(hub, url)).body.length).toBe(100_000);
    const served = hub.requests.filter((r) => r.path === '/faults/cut.gguf').map((r) => [r.status, r.bytesSent]);
    expect(served).toEqual([
      [200, 30_000],
      [503, 0],
      [200, 100_000],
      [200, 100_000],
    ]);
  });

  it('generates a large file on the fly, any range of it', async () => {
    const head = await get(hub, hub.url('models.test', '/files/big.gguf'), {}, 'HEAD');
    expect(head.headers['content-length']).toBe(String(5 * 1024 ** 3));
    const end = await get(hub, hub.url('models.test', '/files/big.gguf'), { Range: `bytes=${5 * 1024 ** 3 - 10}-` });
    expect([end.status, end.body.length]).toEqual([206, 10]);
  });

  it('redirects, records requests with their host and headers, and counts connections', async () => {
    const target = hub.addUrlFile('/r/target.gguf', model);
    const before = hub.connections;
    const from = hub.redirect('/r/from.gguf', '/r/target.gguf', 307);
    const answer = await get(hub, from, { Authorization: 'Bearer t' });
    expect([answer.status, answer.headers.location]).toEqual([307, '/r/target.gguf']);
    expect((await get(hub, target)).status).toBe(200);
    expect(hub.connections - before).toBe(2);
    expect(hub.requests.at(-2)).toMatchObject({ host: `models.test:${hub.port}`, path: '/r/from.gguf', authorization: 'Bearer t', status: 307 });
  });
});

describe('guardLoopbackOnly', () => {
  it('lets loopback connections through and records them', async () => {
    const hub = await startFakeHub();
    const guard = guardLoopbackOnly();
    try {
      const answer = await get(hub, hub.url('models.test', '/none'));
      expect(answer.status).toBe(404);
      expect(guard.attempts).toEqual([{ host: 'models.test', port: hub.port, addresses: ['127.0.0.1'], refused: false }]);
    } finally {
      guard.restore();
      await hub.close();
    }
  });

  it('refuses a non-loopback address, literal or resolved, without ever calling the real connect', () => {
    // A stand-in for the real connect underneath the guard: it resolves like net does but never dials.
    const real = Socket.prototype.connect;
    const dialed: string[] = [];
    Socket.prototype.connect = function (this: Socket, options: { host: string; lookup?: (h: string, o: object, cb: (e: Error | null, a: string) => void) => void }) {
      if (options.lookup) options.lookup(options.host, {}, (error, address) => dialed.push(error ? `lookup refused: ${address}` : `dial ${address}`));
      else dialed.push(`dial ${options.host}`);
      return this;
    } as never;
    const guard = guardLoopbackOnly();
    try {
      new Socket().on('error', () => undefined).connect({ host: '10.0.0.1', port: 443 });
      new Socket().on('error', () => undefined).connect({ host: 'evil.test', port: 443, lookup: (_h, _o, cb) => cb(null, '169.254.169.254', 4) });
      new Socket().on('error', () => undefined).connect({ host: 'ok.test', port: 443, lookup: (_h, _o, cb) => cb(null, '127.0.0.1', 4) });
      expect(dialed).toEqual(['lookup refused: 169.254.169.254', 'dial 127.0.0.1']);
      expect(guard.attempts.map((a) => [a.host, a.refused])).toEqual([
        ['10.0.0.1', true],
        ['evil.test', true],
        ['ok.test', false],
      ]);
    } finally {
      guard.restore();
      Socket.prototype.connect = real;
    }
  });
});
