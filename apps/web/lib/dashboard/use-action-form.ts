import { useState, useTransition } from 'react';
import type { ActionResult } from './action-result';

/**
 * A form's round trip to a server action: the field errors and the general message the action answers
 * with, and whether it is running. `onResult` sees every answer once the form shows it (to keep a
 * one-time secret, reset the form, navigate on).
 */
export function useActionForm(mapErrors: (errors: Record<string, string>) => Record<string, string> = (errors) => errors) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function submit<T>(action: () => Promise<ActionResult<T>>, onResult?: (result: ActionResult<T>) => void | Promise<void>): void {
    startTransition(async () => {
      const result = await action();
      setErrors(result.ok ? {} : mapErrors(result.fieldErrors ?? {}));
      setMessage(result.ok || result.fieldErrors ? null : result.message);
      await onResult?.(result);
    });
  }

  return { errors, message, setMessage, pending, submit };
}
