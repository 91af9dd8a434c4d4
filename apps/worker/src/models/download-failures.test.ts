import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllowedHosts } from '@gguf/core';
import { fakeFileBytes, fakeGgufFile, fakeHtmlFile, fakeResolver, type FakeHub, startFakeHub } from '@gguf/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DownloadOptions, downloadFile, DownloadError } from './download';

describe('downloadFile: what it refuses and how it recovers', () => {
  let hub: FakeHub;
  let dir: string;
  let destination: string;
  const resolver = fakeResolver({ 'not-in-certificate.test': ['127.0.0.1'] });
  const allow = parseAllowedHosts('127.0.0.1');
  const options = (url: string, extra: Partial<DownloadOptions> = {}): DownloadOptions => ({
    url,
    destination,
    maxBytes: 1024 ** 2,
    allow,
    resolve: resolver.resolve,
    ca: hub.ca,
    retryDelayMs: 5,
    ...extra,
  });
  const requestsFor = (path: string) => hub.requests.filter((request) => request.path === path);
  const leftOver = () => readdir(dir);
  const GiB = 1024 ** 3;

  beforeAll(async () => {
    hub = await startFakeHub();
  });
  afterAll(() => hub.close());
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'download-failures-'));
    destination = join(dir, 'model.gguf');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('refuses a file that does not start like a GGUF file, writing nothing', async () => {
    const url = hub.addUrlFile('/bad/login-page.gguf', fakeHtmlFile('html', 300_000));
    await expect(downloadFile(options(url))).rejects.toMatchObject({ message: 'download refused: not a GGUF file', permanent: true });
    expect(await leftOver()).toEqual([]);
  });

  it('refuses a file announced larger than the limit by its Content-Length, before reading it', async () => {
    const url = hub.addUrlFile('/big/announced.gguf', fakeGgufFile('big', 5 * GiB));
    await expect(downloadFile(options(url))).rejects.toMatchObject({ message: 'download refused: the file is larger than the 1 MiB limit', permanent: true });
    expect(await leftOver()).toEqual([]);
    // The server only got as far as the socket's buffers.
    expect(requestsFor('/big/announced.gguf')[0]!.bytesSent).toBeLessThan(16 * 1024 ** 2);
  });

  it('stops a file that turns out larger than the limit while streaming (no Content-Length)', async () => {
    const file = fakeGgufFile('big-unannounced', 5 * GiB);
    const url = hub.addUrlFile('/big/unannounced.gguf', file);
    hub.fault(file, { omitLength: true });
    const progress: number[] = [];
    await expect(downloadFile(options(url, { onProgress: (p) => progress.push(p.bytes) }))).rejects.toMatchObject({ message: 'download refused: the file is larger than the 1 MiB limit', permanent: true });
    expect(Math.max(...progress)).toBeLessThanOrEqual(1024 ** 2);
    expect(await leftOver()).toEqual([]);
    expect(requestsFor('/big/unannounced.gguf')[0]!.bytesSent).toBeLessThan(16 * 1024 ** 2);
  });

  it('accepts a file of exactly the limit', async () => {
    const url = hub.addUrlFile('/big/exact.gguf', fakeGgufFile('exact', 1024 ** 2));
    await expect(downloadFile(options(url))).resolves.toMatchObject({ bytes: 1024 ** 2 });
  });

  it('retries a server error and a stalled connection itself, resuming each time', async () => {
    const file = fakeGgufFile('flaky', 200_000);
    const url = hub.addUrlFile('/flaky/model.gguf', file);
    hub.fault(file, { status: 503 }, { stallAfter: 50_000 }, { status: 502 });
    const result = await downloadFile(options(url, { idleTimeoutMs: 300 }));
    expect(result.bytes).toBe(200_000);
    const served = requestsFor('/flaky/model.gguf').map((r) => [r.status, r.range === undefined ? 'whole' : 'rest']);
    expect(served).toEqual([
      [503, 'whole'],
      [200, 'whole'], // stalled after 50 000 bytes, given up after 300 ms of silence
      [502, 'rest'],
      [206, 'rest'],
    ]);
    expect((await fakeFileBytes(file)).length).toBe((await stat(destination)).size);
  });

  it('gives up after its retries with a transient error, keeping the part for the next call', async () => {
    const file = fakeGgufFile('down', 300_000);
    const url = hub.addUrlFile('/down/model.gguf', file);
    hub.fault(file, { cutAfter: 200_000 }, { status: 503 }, { status: 503 });
    const error = await downloadFile(options(url, { retries: 2 })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DownloadError);
    expect(error).toMatchObject({ message: 'download failed: the server answered 503, will retry', permanent: false });
    expect(requestsFor('/down/model.gguf')).toHaveLength(3);
    expect(await leftOver()).toEqual(['model.gguf.part', 'model.gguf.part.etag']);
    await expect(downloadFile(options(url))).resolves.toMatchObject({ bytes: 300_000 });
    expect(requestsFor('/down/model.gguf').at(-1)).toMatchObject({ status: 206 });
    expect(await leftOver()).toEqual(['model.gguf']);
  });

  it('stops when its signal aborts, with the signal\'s reason, keeping the part', async () => {
    const file = fakeGgufFile('aborted', 500_000);
    const url = hub.addUrlFile('/abort/model.gguf', file);
    hub.fault(file, { stallAfter: 100_000 });
    const controller = new AbortController();
    const reason = new Error('worker stopping');
    const download = downloadFile(options(url, { signal: controller.signal, onProgress: (p) => p.bytes >= 50_000 && controller.abort(reason) }));
    await expect(download).rejects.toBe(reason);
    expect((await stat(`${destination}.part`)).size).toBeGreaterThanOrEqual(50_000);
  });

  it('verifies the certificate by the URL\'s name although it connects to a pinned address', async () => {
    const url = hub.addUrlFile('/tls/model.gguf', fakeGgufFile('tls', 10_000));
    const certificate = "download failed: the server's TLS certificate is not valid";
    await expect(downloadFile(options(url, { ca: undefined }))).rejects.toMatchObject({ message: certificate, permanent: true });
    await expect(downloadFile(options(url.replace('models.test', 'not-in-certificate.test')))).rejects.toMatchObject({ message: certificate, permanent: true });
  });
});
