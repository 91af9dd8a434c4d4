import type { ReactNode } from 'react';

/** A plain data table that scrolls sideways on narrow screens instead of squashing its columns. */
export function Table({ head, children, caption }: { head: ReactNode[]; children: ReactNode; caption?: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
      <table className="min-w-full divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead className="bg-zinc-50 dark:bg-zinc-900">
          <tr>
            {head.map((cell, i) => (
              <th key={i} scope="col" className="px-4 py-2.5 text-left font-medium whitespace-nowrap text-zinc-600 dark:text-zinc-400">
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
  return <td className={`px-4 py-2.5 align-middle ${className}`}>{children}</td>;
}
