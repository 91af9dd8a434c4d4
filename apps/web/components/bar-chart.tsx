export interface BarSeries {
  name: string;
  /** A Tailwind fill class, e.g. fill-indigo-500. */
  fillClass: string;
  values: number[];
}

const WIDTH = 640;
const HEIGHT = 180;
const AXIS = 24;

/** Stacked bars in plain SVG; the numbers are also in each bar's tooltip and in the page's table. */
export function BarChart({ labels, series, title }: { labels: string[]; series: BarSeries[]; title: string }) {
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const slot = (WIDTH - AXIS) / Math.max(labels.length, 1);
  const barWidth = Math.max(2, slot * 0.7);
  const labelEvery = Math.ceil(labels.length / 8);
  return (
    <figure>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT + 20}`} role="img" aria-label={title} className="h-auto w-full text-zinc-500">
        <title>{title}</title>
        <line x1={AXIS} x2={WIDTH} y1={HEIGHT} y2={HEIGHT} className="stroke-zinc-300 dark:stroke-zinc-700" />
        <text x={0} y={10} className="fill-current text-[10px]">
          {max.toLocaleString('en')}
        </text>
        {labels.map((label, i) => {
          let y = HEIGHT;
          const x = AXIS + i * slot + (slot - barWidth) / 2;
          return (
            <g key={label}>
              {series.map((s) => {
                const h = ((s.values[i] ?? 0) / max) * (HEIGHT - 16);
                y -= h;
                return (
                  <rect key={s.name} x={x} y={y} width={barWidth} height={h} className={s.fillClass}>
                    <title>{`${label} — ${s.name}: ${(s.values[i] ?? 0).toLocaleString('en')}`}</title>
                  </rect>
                );
              })}
              {i % labelEvery === 0 ? (
                <text x={x + barWidth / 2} y={HEIGHT + 14} textAnchor="middle" className="fill-current text-[10px]">
                  {label}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      {series.length > 1 ? (
        <figcaption className="mt-2 flex gap-4 text-xs text-zinc-600 dark:text-zinc-400">
          {series.map((s) => (
            <span key={s.name} className="flex items-center gap-1.5">
              <svg width="10" height="10" aria-hidden>
                <rect width="10" height="10" className={s.fillClass} />
              </svg>
              {s.name}
            </span>
          ))}
        </figcaption>
      ) : null}
    </figure>
  );
}
