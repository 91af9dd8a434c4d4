import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireExclusive } from './exclusive';

describe('acquireExclusive', () => {
  it('lets one holder in at a time, in turn', async () => {
    const name = `unit-${process.pid}-${Date.now()}`;
    const order: string[] = [];
    const release = await acquireExclusive(name);
    const second = acquireExclusive(name).then((releaseSecond) => {
      order.push('second in');
      return releaseSecond;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    order.push('first out');
    await release();
    await (await second)();
    expect(order).toEqual(['first out', 'second in']);
  });

  it('takes over a lock whose holder died', async () => {
    const name = `stale-${process.pid}-${Date.now()}`;
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)));
    const dir = join(tmpdir(), `gguf-test-lock-${name}`);
    await mkdir(dir);
    await writeFile(join(dir, 'pid'), String(deadPid));
    const release = await acquireExclusive(name, 5_000);
    await release();
  });

  it('gives up after its timeout, naming the holder', async () => {
    const name = `busy-${process.pid}-${Date.now()}`;
    const release = await acquireExclusive(name);
    await expect(acquireExclusive(name, 300)).rejects.toThrow(`held by pid ${process.pid}`);
    await release();
  });
});
