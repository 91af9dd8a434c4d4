import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Turns } from './turns';

describe('Turns', () => {
  it('runs one key’s work one at a time in order, other keys beside it, and forgets a key once its work is done', async () => {
    const turns = new Turns();
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`${name} start`);
      await sleep(ms);
      log.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([turns.run('a', step('a1', 30)), turns.run('a', step('a2', 1)), turns.run('b', step('b1', 5))]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('a2 start')).toBeGreaterThan(log.indexOf('a1 end'));
    expect(log.indexOf('b1 start')).toBeLessThan(log.indexOf('a1 end'));
    await sleep(0);
    expect(turns.size).toBe(0);
  });

  it('goes on with the next work after one fails, and hands the failure to its own caller only', async () => {
    const turns = new Turns();
    const failed = turns.run('a', () => Promise.reject(new Error('engine said no')));
    const next = turns.run('a', async () => 'ran');
    await expect(failed).rejects.toThrow('engine said no');
    await expect(next).resolves.toBe('ran');
  });
});
