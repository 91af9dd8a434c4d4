import type { ReactNode } from 'react';

/**
 * A plain data table. On a narrow screen it scrolls sideways inside its own box (which is never
 * wider than its container) instead of squashing its columns or widening the page. `numeric` lists
 * the columns (by index) whose cells are right-aligned figures, so their headings line up with them.
 */
export function Table({ head, children, caption, numeric = [] }: { head: ReactNode[]; children: ReactNode; caption?: string; numeric?: number[] }) {
  return (
    <div className="max-w-full overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
      <table className="min-w-full divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead className="bg-zinc-50 dark:bg-zinc-900">
          <tr>
            {head.map((cell, i) => (
              <th
                key={i}
                scope="col"
                className={`px-3 py-2.5 font-medium whitespace-nowrap text-zinc-600 dark:text-zinc-400 ${numeric.includes(i) ? 'text-right' : 'text-left'}`}
              >
                {cell}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-200 bg-white dark:divide-zinc-800 dark:bg-zinc-950">{children}</tbody>
      </table>
    </div>
  );
}

export function Td({ children, className = '' }: { children: ReactNode; className?: string }) {
  return <td className={`px-3 py-2.5 align-middle ${className}`}>{children}</td>;
}
