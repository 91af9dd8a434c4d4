import { describe, expect, it } from 'vitest';
import { dailyUsage, toCsv } from '../lib/dashboard/usage-series';

describe('dailyUsage', () => {
  it('fills the days without traffic with zeros', () => {
    const rows = dailyUsage({
      from: '2026-01-01T10:00:00.000Z',
      to: '2026-01-04T10:00:00.000Z',
      granularity: 'day',
      data: [{ start: '2026-01-02T00:00:00.000Z', requests: 3, input_tokens: 30, output_tokens: 12 }],
      totals: { requests: 3, input_tokens: 30, output_tokens: 12 },
    });
    expect(rows.map((r) => [r.day, r.requests])).toEqual([
      ['2026-01-01', 0],
      ['2026-01-02', 3],
      ['2026-01-03', 0],
      ['2026-01-04', 0],
    ]);
  });
});

describe('toCsv', () => {
  it('quotes cells with commas and quotes', () => {
    expect(toCsv(['name', 'n'], [['a, "b"', 1]])).toBe('name,n\r\n"a, ""b""",1\r\n');
  });
});
