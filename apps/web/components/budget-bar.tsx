import { formatNumber } from '../lib/dashboard/format';

/**
 * A key's tokens this month against its monthly budget, as a meter: green, amber from 80 %, red once
 * spent (the gateway then answers 429). Without a budget, the tokens alone.
 */
export function BudgetBar({ used, budget }: { used: number; budget: number | null }) {
  if (budget === null) {
    return (
      <span className="text-sm whitespace-nowrap text-zinc-600 tabular-nums dark:text-zinc-400" data-testid="budget-use">
        {formatNumber(used)} tokens <span className="text-zinc-400">· no budget</span>
      </span>
    );
  }
  const percent = budget > 0 ? Math.min(100, Math.floor((100 * used) / budget)) : 100;
  const text = `${formatNumber(used)} of ${formatNumber(budget)} tokens (${percent}%)`;
  const tone = percent >= 100 ? 'bg-red-600 dark:bg-red-500' : percent >= 80 ? 'bg-amber-500' : 'bg-emerald-600 dark:bg-emerald-500';
  return (
    <div className="w-40 space-y-1" data-testid="budget-use">
      <div
        role="meter"
        aria-label="Token budget this month"
        aria-valuemin={0}
        aria-valuemax={budget}
        aria-valuenow={Math.min(used, budget)}
        aria-valuetext={text}
        className="h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        {/* Any use at all shows as a sliver, even below 1 %. */}
        <div className={`h-full rounded-full ${tone}`} style={{ width: `${used > 0 ? Math.max(percent, 2) : 0}%` }} />
      </div>
      <p className="text-xs whitespace-nowrap text-zinc-600 tabular-nums dark:text-zinc-400">{text}</p>
    </div>
  );
}
