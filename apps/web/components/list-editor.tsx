'use client';

import { type KeyboardEvent, useId, useState } from 'react';
import { Button } from './button';
import { Input } from './field';

/**
 * A short list of strings (a deployment's aliases, a key's extra allowed models): each entry with
 * its own remove button and, when the API refused it, its message; new entries are typed into one
 * box and added with the button or Enter. Entries are trimmed and kept once each.
 */
export function ListEditor({
  id,
  label,
  entries,
  onChange,
  errorAt,
  placeholder,
  suggestions = [],
}: {
  id: string;
  /** Names the box new entries are typed into ("New alias"). */
  label: string;
  entries: string[];
  onChange: (entries: string[]) => void;
  /** The API's message for the entry at this index, if it refused it. */
  errorAt?: (index: number) => string | undefined;
  placeholder?: string;
  /** Offered while typing (a datalist), e.g. the organization's model names. */
  suggestions?: string[];
}) {
  const [draft, setDraft] = useState('');
  const listId = useId();
  function add() {
    const value = draft.trim();
    if (value && !entries.includes(value)) onChange([...entries, value]);
    setDraft('');
  }
  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    // Enter adds the entry instead of submitting the surrounding form.
    if (event.key !== 'Enter') return;
    event.preventDefault();
    add();
  }
  return (
    <div className="space-y-2">
      {entries.length > 0 ? (
        <ul className="space-y-1" aria-label={`${label}: entries`}>
          {entries.map((entry, index) => {
            const error = errorAt?.(index);
            return (
              <li key={entry} className="min-w-0">
                <div className="flex items-center gap-2">
                  <code className={`min-w-0 flex-1 truncate rounded-md px-2 py-1 font-mono text-sm ${error ? 'bg-red-50 text-red-800 dark:bg-red-950/40 dark:text-red-300' : 'bg-zinc-100 dark:bg-zinc-800'}`} title={entry}>
                    {entry}
                  </code>
                  <Button variant="ghost" size="sm" aria-label={`Remove ${entry}`} onClick={() => onChange(entries.filter((_, i) => i !== index))}>
                    Remove
                  </Button>
                </div>
                {error ? (
                  <p role="alert" className="mt-0.5 text-xs text-red-600 dark:text-red-400">
                    {error}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      <div className="flex gap-2">
        <Input
          id={id}
          aria-label={label}
          value={draft}
          placeholder={placeholder}
          autoComplete="off"
          list={suggestions.length > 0 ? listId : undefined}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <Button variant="secondary" onClick={add} disabled={!draft.trim()}>
          Add
        </Button>
      </div>
      {suggestions.length > 0 ? (
        <datalist id={listId}>
          {suggestions.map((value) => (
            <option key={value} value={value} />
          ))}
        </datalist>
      ) : null}
    </div>
  );
}
