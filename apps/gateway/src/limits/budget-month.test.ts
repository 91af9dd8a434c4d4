import { describe, expect, it } from 'vitest';
import { budgetMonth } from './budget-month';

describe('budgetMonth', () => {
  it.each([
    ['2026-11-30T23:59:59.999Z', '2026-11', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    ['2026-12-01T00:00:00.000Z', '2026-12', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['2026-12-31T23:59:59.999Z', '2026-12', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['2028-02-29T12:00:00.000Z', '2028-02', '2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z'],
  ])('%s is in %s, which starts at %s and resets at %s', (at, label, start, next) => {
    const month = budgetMonth(Date.parse(at));
    expect(month).toEqual({ label, start: Date.parse(start), next: Date.parse(next) });
  });
});
