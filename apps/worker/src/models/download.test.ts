import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllowedHosts } from '@gguf/core';
import { fakeFileBytes, fakeGgufFile, fakeResolver, type FakeHub, startFakeHub } from '@gguf/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DownloadOptions, type DownloadProgress, downloadFile } from './download';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('downloadFile from a fake hub and URL server on loopback', () => {
  let hub: FakeHub;
  let dir: string;
  let destination: string;
  const resolver = fakeResolver({ 'unlisted.test': ['127.0.0.1'] });
  // How an operator lets an internal mirror through: here, the fake hub's loopback address.
  const allow = parseAllowedHosts('127.0.0.1');
  const options = (url: string, extra: Partial<DownloadOptions> = {}): DownloadOptions => ({
    url,
    destination,
    maxBytes: 10 * 1024 ** 2,
    allow,
    resolve: resolver.resolve,
    ca: hub.ca,
    retryDelayMs: 5,
    ...extra,
  });
  const requestsFor = (path: string) => hub.requests.filter((request) => request.path.split('?')[0] === path);

  beforeAll(async () => {
    hub = await startFakeHub();
  });
  afterAll(() => hub.close());
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'download-'));
    destination = join(dir, 'org', 'model.gguf');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('downloads a Hugging Face file through the hub and its CDN, with progress and the SHA-256 of the file', async () => {
    const model = fakeGgufFile('hf-model', 300_000);
    const url = hub.addRepoFile('org/Tiny-GGUF', 'tiny-Q4_K_M.gguf', model);
    const progress: DownloadProgress[] = [];
    const result = await downloadFile(options(url, { onProgress: (p) => progress.push(p) }));
    const bytes = await fakeFileBytes(model);
    expect(result).toEqual({ bytes: 300_000, sha256: sha256(bytes) });
    expect((await readFile(destination)).equals(bytes)).toBe(true);
    expect((await stat(destination)).mode & 0o777).toBe(0o644);
    expect(await readdir(join(dir, 'org'))).toEqual(['model.gguf']);
    expect(progress[0]).toEqual({ bytes: 0, totalBytes: 300_000 });
    expect(progress.at(-1)).toEqual({ bytes: 300_000, totalBytes: 300_000 });
    expect(progress.every((p, i) => i === 0 || p.bytes >= progress[i - 1]!.bytes)).toBe(true);
  });

  it('downloads a gated file with its token, and fails permanently without it or for a missing file', async () => {
    const model = fakeGgufFile('gated', 20_000);
    const url = hub.addRepoFile('org/Gated-GGUF', 'g.gguf', model);
    hub.gateRepo('org/Gated-GGUF', 'hf_org_token');
    await expect(downloadFile(options(url))).rejects.toMatchObject({ message: 'download failed: the server answered 401 (access denied; the file may need a token)', permanent: true });
    await expect(downloadFile(options(url, { headers: { authorization: 'Bearer hf_wrong' } }))).rejects.toMatchObject({ permanent: true, message: expect.stringContaining('403') });
    await expect(downloadFile(options(url, { headers: { authorization: 'Bearer hf_org_token' } }))).resolves.toMatchObject({ bytes: 20_000 });
    const missing = `${hub.endpoint}/org/Gated-GGUF/resolve/main/missing.gguf`;
    await expect(downloadFile(options(missing, { headers: { authorization: 'Bearer hf_org_token' } }))).rejects.toMatchObject({ message: 'download failed: the server answered 404 (not found)', permanent: true });
  });

  it('downloads a plain URL file from a server on loopback allowed by configuration', async () => {
    const model = fakeGgufFile('plain', 70_000);
    const url = hub.addUrlFile('/plain/model.gguf', model);
    expect(await downloadFile(options(url))).toEqual({ bytes: 70_000, sha256: sha256(await fakeFileBytes(model)) });
    // Without the allowlist entry the same server is refused.
    await rm(destination);
    await expect(downloadFile(options(url, { allow: parseAllowedHosts('') }))).rejects.toMatchObject({ permanent: true, message: expect.stringContaining('download refused') });
  });

  it('resumes after a cut connection within the call, fetching only the rest', async () => {
    const model = fakeGgufFile('cut-once', 400_000);
    const url = hub.addUrlFile('/resume/cut.gguf', model);
    hub.fault(model, { cutAfter: 150_000 });
    const progress: DownloadProgress[] = [];
    const result = await downloadFile(options(url, { onProgress: (p) => progress.push(p) }));
    expect(result).toEqual({ bytes: 400_000, sha256: sha256(await fakeFileBytes(model)) });
    // The retry asks for the rest of what reached the disk before the cut (a few buffered KiB may be lost with the connection).
    const kept = Number(requestsFor('/resume/cut.gguf')[1]?.range?.match(/^bytes=(\d+)-$/)?.[1]);
    expect(kept).toBeGreaterThan(150_000 - 64 * 1024);
    expect(kept).toBeLessThanOrEqual(150_000);
    const served = requestsFor('/resume/cut.gguf').map((r) => [r.range, r.status, r.bytesSent]);
    expect(served).toEqual([
      [undefined, 200, 150_000],
      [`bytes=${kept}-`, 206, 400_000 - kept],
    ]);
    expect(progress.filter((p) => p.bytes === kept).length).toBeGreaterThanOrEqual(2); // reached, then resumed from
    expect(progress.at(-1)).toEqual({ bytes: 400_000, totalBytes: 400_000 });
  });

  it('resumes, in a later call, the part an interrupted call left, hashing the whole file', async () => {
    const model = fakeGgufFile('across-calls', 300_000);
    const url = hub.addUrlFile('/resume/across.gguf', model);
    hub.fault(model, { cutAfter: 123_456 });
    await expect(downloadFile(options(url, { retries: 0 }))).rejects.toMatchObject({ message: 'download failed: connection problem, will retry', permanent: false });
    const kept = (await stat(`${destination}.part`)).size;
    expect(kept).toBeGreaterThan(123_456 - 64 * 1024);
    const result = await downloadFile(options(url));
    expect(result).toEqual({ bytes: 300_000, sha256: sha256(await fakeFileBytes(model)) });
    expect(requestsFor('/resume/across.gguf').map((r) => [r.range, r.ifRange, r.status, r.bytesSent])).toEqual([
      [undefined, undefined, 200, 123_456],
      [`bytes=${kept}-`, model.etag, 206, 300_000 - kept],
    ]);
    expect(await readdir(join(dir, 'org'))).toEqual(['model.gguf']);
  });

  it('gets the whole file again when it changed on the server since the part was written', async () => {
    const before = fakeGgufFile('changing-v1', 60_000);
    const after = fakeGgufFile('changing-v2', 80_000);
    const url = hub.addUrlFile('/resume/changing.gguf', before);
    hub.fault(before, { cutAfter: 40_000 });
    await expect(downloadFile(options(url, { retries: 0 }))).rejects.toMatchObject({ permanent: false });
    const kept = (await stat(`${destination}.part`)).size;
    expect(kept).toBeGreaterThan(0);
    hub.addUrlFile('/resume/changing.gguf', after);
    expect(await downloadFile(options(url))).toEqual({ bytes: 80_000, sha256: sha256(await fakeFileBytes(after)) });
    expect(requestsFor('/resume/changing.gguf').at(-1)).toMatchObject({ range: `bytes=${kept}-`, ifRange: before.etag, status: 200, bytesSent: 80_000 });
  });

  it('starts over when the part left behind does not start like a GGUF file', async () => {
    const model = fakeGgufFile('restart', 50_000);
    const url = hub.addUrlFile('/resume/restart.gguf', model);
    await mkdir(join(dir, 'org'));
    await writeFile(`${destination}.part`, Buffer.from('<html>stale leftovers</html>'));
    expect(await downloadFile(options(url))).toEqual({ bytes: 50_000, sha256: sha256(await fakeFileBytes(model)) });
    expect(requestsFor('/resume/restart.gguf').map((r) => [r.range, r.status, r.bytesSent])).toEqual([[undefined, 200, 50_000]]);
  });

  it('finishes without a body when the part is already the whole file (416)', async () => {
    const model = fakeGgufFile('complete-part', 40_000);
    const url = hub.addUrlFile('/resume/complete.gguf', model);
    const bytes = await fakeFileBytes(model);
    await mkdir(join(dir, 'org'));
    await writeFile(`${destination}.part`, bytes);
    expect(await downloadFile(options(url))).toEqual({ bytes: 40_000, sha256: sha256(bytes) });
    expect(requestsFor('/resume/complete.gguf').at(-1)).toMatchObject({ range: 'bytes=40000-', status: 416, bytesSent: 0 });
  });
});
