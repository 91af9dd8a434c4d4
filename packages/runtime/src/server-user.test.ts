import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveServerUser } from './server-user';

const root = process.getuid?.() === 0;

describe('resolveServerUser', () => {
  it('runs servers as the worker itself when the worker is not root, and as nobody (or SERVER_USER) when it is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gguf-passwd-'));
    const passwd = join(dir, 'passwd');
    await writeFile(passwd, 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nllama:x:1234:2345::/home/llama:/bin/sh\n');
    if (!root) {
      expect(resolveServerUser(undefined, passwd)).toBeUndefined();
      expect(resolveServerUser('llama', passwd)).toBeUndefined();
      return;
    }
    expect(resolveServerUser(undefined, passwd)).toEqual({ uid: 65534, gid: 65534 });
    expect(resolveServerUser('llama', passwd)).toEqual({ uid: 1234, gid: 2345 });
    expect(resolveServerUser('4000:4001', passwd)).toEqual({ uid: 4000, gid: 4001 });
    expect(resolveServerUser('4000', passwd)).toEqual({ uid: 4000, gid: 4000 });
    expect(resolveServerUser(undefined, join(dir, 'missing'))).toEqual({ uid: 65534, gid: 65534 });
    expect(() => resolveServerUser('root', passwd)).toThrow(/is root/);
    expect(() => resolveServerUser('0', passwd)).toThrow(/is root/);
    expect(() => resolveServerUser('1000:0', passwd)).toThrow(/is root/);
    expect(() => resolveServerUser('ghost', passwd)).toThrow(/no such user/);
  });
});
