'use client';

import { useState } from 'react';
import { buttonClass } from './button';

/** Copies `value`; falls back to selecting a hidden textarea where the Clipboard API is unavailable (plain http). */
export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      const area = document.createElement('textarea');
      area.value = value;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  }
  return (
    <button type="button" onClick={copy} className={buttonClass('secondary', 'sm')} aria-label={`${label}: ${value.length > 60 ? 'value' : value}`}>
      <span aria-live="polite">{copied ? 'Copied' : label}</span>
    </button>
  );
}

/** A read-only value in monospace with its copy button, e.g. a base URL. */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="min-w-0">
      <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{label}</p>
      <div className="mt-1 flex items-center gap-2">
        <code data-testid={testId} className="min-w-0 flex-1 truncate rounded-md bg-zinc-100 px-3 py-1.5 font-mono text-sm dark:bg-zinc-800">
          {value}
        </code>
        <CopyButton value={value} label="Copy" />
      </div>
    </div>
  );
}
