import { describe, expect, it } from 'vitest';
import { checkHealth, describeError } from './health';

describe('checkHealth', () => {
  it('is ok when every check passes', async () => {
    expect(await checkHealth({ postgres: async () => 1, redis: async () => 'PONG' })).toEqual({
      status: 'ok',
      checks: { postgres: { ok: true }, redis: { ok: true } },
    });
  });

  it('names the failing check and why', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    const report = await checkHealth({ postgres: async () => 1, redis: () => Promise.reject(refused) });
    expect(report.status).toBe('unavailable');
    expect(report.checks.redis).toEqual({ ok: false, error: 'connect ECONNREFUSED 127.0.0.1:6379' });
    expect(report.checks.postgres).toEqual({ ok: true });
  });

  it('times out a hung check', async () => {
    const report = await checkHealth({ postgres: () => new Promise(() => {}) }, 20);
    expect(report.checks.postgres).toEqual({ ok: false, error: 'timed out after 20 ms' });
  });
});

describe('describeError', () => {
  it('keeps the first line only and adds the code', () => {
    expect(describeError(Object.assign(new Error('boom\n    at x.js:1'), { code: 'EPIPE' }))).toBe('EPIPE: boom');
    expect(describeError(new AggregateError([new Error('inner')], 'outer'))).toBe('inner');
    expect(describeError('plain')).toBe('plain');
  });
});
