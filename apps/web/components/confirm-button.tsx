'use client';

import { type ReactNode, useId, useRef, useTransition } from 'react';
import { Button } from './button';

/**
 * A button that asks before it acts, in a native <dialog>: focus is trapped and Escape cancels
 * without any script of ours. `action` is a server action bound to its arguments.
 */
export function ConfirmButton({
  label,
  title,
  body,
  confirmLabel,
  action,
  variant = 'secondary',
}: {
  label: string;
  title: string;
  body: ReactNode;
  confirmLabel: string;
  action: () => Promise<unknown>;
  variant?: 'secondary' | 'danger';
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [pending, startTransition] = useTransition();
  return (
    <>
      <Button variant={variant} size="sm" onClick={() => dialog.current?.showModal()} disabled={pending}>
        {pending ? `${label}…` : label}
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        className="m-auto w-full max-w-md rounded-lg border border-zinc-200 bg-white p-6 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <h2 id={titleId} className="text-lg font-semibold">
          {title}
        </h2>
        <div className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">{body}</div>
        <div className="mt-6 flex justify-end gap-2">
          <Button variant="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </Button>
          <Button
            variant={variant === 'danger' ? 'danger' : 'primary'}
            onClick={() => {
              dialog.current?.close();
              startTransition(async () => {
                await action();
              });
            }}
          >
            {confirmLabel}
          </Button>
        </div>
      </dialog>
    </>
  );
}
