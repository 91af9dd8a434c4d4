import { mkdir, mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServerDirs } from './server-dir';

describe('ServerDirs', () => {
  it('makes a private directory per server holding its key file, owned by the server user', async () => {
    const root = join(await mkdtemp(join(tmpdir(), 'gguf-dirs-')), 'run');
    const owner = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
    const dirs = new ServerDirs(root, owner);
    const dir = await dirs.prepare('gguf-dep_a-g1', 'the-key');
    expect(await readFile(dirs.apiKeyFile('gguf-dep_a-g1'), 'utf8')).toBe('the-key');
    const [dirInfo, keyInfo] = await Promise.all([stat(dir), stat(dirs.apiKeyFile('gguf-dep_a-g1'))]);
    expect(dirInfo.mode & 0o777).toBe(0o700);
    expect(keyInfo.mode & 0o777).toBe(0o400);
    if (owner) expect([dirInfo.uid, keyInfo.uid, keyInfo.gid]).toEqual([65534, 65534, 65534]);
    // A second start of the same server rewrites the key.
    await dirs.prepare('gguf-dep_a-g1', 'a-new-key');
    expect(await readFile(dirs.apiKeyFile('gguf-dep_a-g1'), 'utf8')).toBe('a-new-key');
    expect(dirs.socket('gguf-dep_a-g1')).toBe(join(root, 'gguf-dep_a-g1', 'llama.sock'));
  });

  it("removes every generation's directory of a deployment, and only those", async () => {
    const root = await mkdtemp(join(tmpdir(), 'gguf-dirs-'));
    const dirs = new ServerDirs(root, undefined);
    for (const name of ['gguf-a-aaaaaa-g1', 'gguf-a-bbbbbb-g2', 'gguf-ab-aaaaaa-g1', 'gguf-b-aaaaaa-g1']) await mkdir(join(root, name));
    await dirs.removeAll('dep_a');
    expect((await readdir(root)).sort()).toEqual(['gguf-ab-aaaaaa-g1', 'gguf-b-aaaaaa-g1']);
  });

  it('refuses a root too long for Unix socket paths', () => {
    expect(() => new ServerDirs(`/${'d'.repeat(80)}`, undefined).assertSocketsFit()).toThrow(/too long for the servers' Unix sockets/);
    expect(() => new ServerDirs(`/${'d'.repeat(40)}`, undefined).assertSocketsFit()).not.toThrow();
  });
});
