'use client';

import { type KeyboardEvent, type ReactNode, useId, useState } from 'react';

export interface TabItem {
  id: string;
  label: string;
  content: ReactNode;
}

/** WAI-ARIA tabs: arrow keys move between tabs, only the selected one is in the tab order. */
export function Tabs({ items, initial, onChange }: { items: TabItem[]; initial?: string; onChange?: (id: string) => void }) {
  const [selected, setSelected] = useState(initial ?? items[0]?.id);
  const base = useId();
  function select(id: string) {
    setSelected(id);
    onChange?.(id);
  }
  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>, index: number) {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = items[(index + step + items.length) % items.length]!;
    select(next.id);
    document.getElementById(`${base}-tab-${next.id}`)?.focus();
  }
  return (
    <div>
      <div role="tablist" className="flex flex-wrap gap-1 border-b border-zinc-200 dark:border-zinc-800">
        {items.map((item, index) => {
          const active = item.id === selected;
          return (
            <button
              key={item.id}
              id={`${base}-tab-${item.id}`}
              type="button"
              role="tab"
              aria-selected={active}
              aria-controls={`${base}-panel-${item.id}`}
              tabIndex={active ? 0 : -1}
              onClick={() => select(item.id)}
              onKeyDown={(event) => onKeyDown(event, index)}
              className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-500 ${
                active ? 'border-indigo-600 text-indigo-600 dark:text-indigo-400' : 'border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100'
              }`}
            >
              {item.label}
            </button>
          );
        })}
      </div>
      {items.map((item) => (
        <div key={item.id} id={`${base}-panel-${item.id}`} role="tabpanel" aria-labelledby={`${base}-tab-${item.id}`} hidden={item.id !== selected} className="pt-4">
          {item.content}
        </div>
      ))}
    </div>
  );
}
