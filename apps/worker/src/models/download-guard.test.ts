import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_ALLOWED_HOSTS, parseAllowedHosts } from '@gguf/core';
import { SSRF_MATRIX } from '@gguf/core/ssrf-matrix';
import { fakeGgufFile, fakeResolver, type FakeHub, guardLoopbackOnly, type LoopbackGuard, makeSelfSignedTls, startFakeHub } from '@gguf/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadFile, DownloadError } from './download';

/**
 * The download-time half of the SSRF guard. Test names resolve through an injected resolver; the
 * loopback guard records every TCP connection this process opens (and would stop one that leaves
 * loopback), so each refusal is shown to happen before any connection at all.
 */
describe('downloadFile: the SSRF guard at download time', () => {
  let hub: FakeHub;
  let network: LoopbackGuard;
  let dir: string;
  const model = fakeGgufFile('guarded', 50_000);
  const allow = parseAllowedHosts('127.0.0.1');
  const resolver = fakeResolver({
    'evil.test': ['10.0.0.1'],
    'metadata.test': ['169.254.169.254'],
    'v6loop.test': ['::1'],
    'mapped.test': ['::ffff:10.0.0.1'],
    'other-loopback.test': ['127.0.0.2'],
    'mixed.test': ['127.0.0.1', '192.168.1.1'],
  });
  let download: (url: string, extra?: Partial<Parameters<typeof downloadFile>[0]>) => Promise<unknown>;

  const tls = makeSelfSignedTls();

  beforeAll(async () => {
    hub = await startFakeHub({ tls });
    hub.addUrlFile('/m.gguf', model);
    network = guardLoopbackOnly();
  });
  afterAll(async () => {
    network.restore();
    await hub.close();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'download-guard-'));
    download = (url, extra = {}) => downloadFile({ url, destination: join(dir, 'm.gguf'), maxBytes: 1e6, allow, resolve: resolver.resolve, ca: hub.ca, retries: 0, ...extra });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** Runs a download that must be refused, and returns what it cost: resolver calls and connections. */
  async function refused(url: string, extra?: Partial<Parameters<typeof downloadFile>[0]>) {
    const [calls, attempts, connections] = [resolver.calls.length, network.attempts.length, hub.connections];
    const error = await download(url, extra).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).permanent).toBe(true);
    expect(await readdir(dir)).toEqual([]);
    return { message: (error as DownloadError).message, asked: resolver.calls.slice(calls), dialed: network.attempts.slice(attempts), served: hub.connections - connections };
  }

  const REFUSED = 'download refused: the URL is not allowed or its host cannot be found';

  it.each([
    ['evil.test', '10.0.0.1'],
    ['metadata.test', '169.254.169.254'],
    ['v6loop.test', '::1 (loopback, but not on the allowlist)'],
    ['mapped.test', '::ffff:10.0.0.1'],
    ['other-loopback.test', '127.0.0.2, outside the allowed 127.0.0.1'],
    ['mixed.test', '127.0.0.1 and 192.168.1.1: one bad address is enough'],
  ])('refuses %s (resolving to %s) after resolving it, before connecting', async (host) => {
    const cost = await refused(`https://${host}:${hub.port}/m.gguf`);
    expect(cost).toEqual({ message: REFUSED, asked: [host], dialed: [], served: 0 });
  });

  it('answers a name that does not resolve exactly like a forbidden one', async () => {
    expect(await refused(`https://unknown.test:${hub.port}/m.gguf`)).toEqual({ message: REFUSED, asked: ['unknown.test'], dialed: [], served: 0 });
  });

  it.each([['https://127.0.0.2:1/m.gguf'], ['https://[::1]:1/m.gguf'], ['https://0x7f000002:1/m.gguf'], ['http://models.test/m.gguf'], ['https://u:p@models.test/m.gguf'], ['https://localhost/m.gguf']])(
    'refuses %s statically, without even resolving',
    async (url) => {
      expect(await refused(url)).toEqual({ message: REFUSED, asked: [], dialed: [], served: 0 });
    },
  );

  it.each(SSRF_MATRIX)('refuses every form of the SSRF matrix before resolving or connecting: %s', async (url) => {
    expect(await refused(url, { allow: NO_ALLOWED_HOSTS })).toEqual({ message: REFUSED, asked: [], dialed: [], served: 0 });
  });

  it('fetches from an allowed address literal, checked as an address without a resolver', async () => {
    const before = resolver.calls.length;
    await expect(download(`https://127.0.0.1:${hub.port}/m.gguf`)).resolves.toMatchObject({ bytes: 50_000 });
    expect(resolver.calls.length).toBe(before);
  });

  it('connects to the address it checked: a name resolved again to something else (DNS rebinding) changes nothing', async () => {
    let answers = 0;
    const rebinding = fakeResolver({ 'models.test': () => (answers++ === 0 ? ['127.0.0.1'] : ['10.0.0.1']) });
    const attempts = network.attempts.length;
    await download(`https://models.test:${hub.port}/m.gguf`, { resolve: rebinding.resolve });
    expect(rebinding.calls).toEqual(['models.test']);
    // The connection's own lookup answered the checked address; it never asked DNS again.
    expect(network.attempts.slice(attempts)).toEqual([{ host: 'models.test', port: hub.port, addresses: ['127.0.0.1'], refused: false }]);
    expect(hub.requests.at(-1)?.host).toBe(`models.test:${hub.port}`);
  });

  it('lets a listed host name through whatever it resolves to', async () => {
    const mirror = fakeResolver({ 'mirror.test': ['127.0.0.1'] });
    await expect(download(`https://mirror.test:${hub.port}/m.gguf`, { allow: parseAllowedHosts('mirror.test'), resolve: mirror.resolve })).resolves.toMatchObject({ bytes: 50_000 });
    await expect(download(`https://models.test:${hub.port}/m.gguf`, { allow: parseAllowedHosts('mirror.test') })).rejects.toThrow(REFUSED);
  });

  describe('redirects', () => {
    it.each([
      ['to a forbidden host', () => `https://evil.test:${hub.port}/m.gguf`, ['models.test', 'evil.test']],
      ['to the metadata address', () => 'https://169.254.169.254/latest/meta-data/', ['models.test']],
      ['to a loopback address not allowed', () => `https://[::1]:${hub.port}/m.gguf`, ['models.test']],
      ['from https to http', () => `http://models.test:${hub.port}/m.gguf`, ['models.test']],
      ['to a URL with user info', () => `https://user:pw@models.test:${hub.port}/m.gguf`, ['models.test']],
      ['to another scheme', () => 'file:///etc/passwd', ['models.test']],
    ])('refuses a redirect %s before following it', async (_, location, asked) => {
      const path = `/redirect-${Math.random().toString(36).slice(2)}.gguf`;
      const start = hub.redirect(path, location());
      const cost = await refused(start);
      expect(cost.message).toBe(REFUSED);
      expect(cost.asked).toEqual(asked);
      // One connection: the redirecting server's.
      expect(cost.dialed.map((attempt) => attempt.host)).toEqual(['models.test']);
      expect(cost.served).toBe(1);
    });

    it('follows 5 redirects (relative and absolute) and refuses a sixth', async () => {
      /** start.gguf → /name/1 → … → /m.gguf: `redirects` hops, alternating relative and absolute (another host) Locations. */
      const chain = (redirects: number, name: string) => {
        const at = (hop: number) => (hop === redirects ? '/m.gguf' : `/${name}/${hop}`);
        for (let hop = 1; hop < redirects; hop++) hub.redirect(at(hop), hop % 2 ? at(hop + 1) : hub.url('cdn.test', at(hop + 1)), 301);
        return hub.redirect(`/${name}/start.gguf`, at(1), 307);
      };
      await expect(download(chain(5, 'five'))).resolves.toMatchObject({ bytes: 50_000 });
      const connections = hub.connections;
      await expect(download(chain(6, 'six'))).rejects.toMatchObject({ message: 'download refused: more than 5 redirects', permanent: true });
      expect(hub.connections - connections).toBe(6);
    });

    it('sends credentials to the first origin only, like curl: not to the CDN, not to another port', async () => {
      const token = { authorization: 'Bearer hf_secret' };
      hub.addRepoFile('org/gated', 'g.gguf', model);
      hub.gateRepo('org/gated', 'hf_secret');
      await expect(download(`${hub.endpoint}/org/gated/resolve/main/g.gguf`, { headers: token })).resolves.toMatchObject({ bytes: 50_000 });
      const [resolve, blob] = hub.requests.slice(-2);
      expect(resolve).toMatchObject({ host: `hub.test:${hub.port}`, authorization: 'Bearer hf_secret', status: 302 });
      expect(blob).toMatchObject({ host: `cdn.test:${hub.port}`, status: 200 });
      expect(blob?.authorization).toBeUndefined();

      // The same name on another port is another origin.
      const other = await startFakeHub({ tls });
      try {
        other.addUrlFile('/m.gguf', model);
        hub.redirect('/to-other-port.gguf', `https://hub.test:${other.port}/m.gguf`);
        await download(`https://hub.test:${hub.port}/to-other-port.gguf`, { headers: token });
        expect(hub.requests.at(-1)?.authorization).toBe('Bearer hf_secret');
        expect(other.requests.map((request) => [request.path, request.authorization])).toEqual([['/m.gguf', undefined]]);
      } finally {
        await other.close();
      }
    });
  });
});
