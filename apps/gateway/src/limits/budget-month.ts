/** A UTC calendar month: the period a key's token budget covers. */
export interface BudgetMonth {
  /** First instant, epoch milliseconds. */
  start: number;
  /** First instant of the next month: when the budget starts over. */
  next: number;
  /** `YYYY-MM`, part of the month's counter name in Redis. */
  label: string;
}

/** The UTC calendar month `at` (epoch milliseconds) falls in. */
export function budgetMonth(at: number): BudgetMonth {
  const date = new Date(at);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return { start: Date.UTC(year, month, 1), next: Date.UTC(year, month + 1, 1), label: `${year}-${String(month + 1).padStart(2, '0')}` };
}
