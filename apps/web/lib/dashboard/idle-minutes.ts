import type { ActionResult } from './action-result';
import { numberOrText } from './form-values';

/**
 * The deployment form asks for the idle time before a deployment sleeps in minutes (people think of
 * "15 minutes", not "900 seconds"), while the API takes and words `scale_down_after_s` in seconds.
 */
const FIELD = 'scale_down_after_s';

/** Typed minutes to the API's whole seconds; text that is not a number goes as text, so the API names the field. */
export function secondsFromMinutes(typed: string): number | string | undefined {
  const minutes = numberOrText(typed);
  return typeof minutes === 'number' ? Math.round(minutes * 60) : minutes;
}

/** Saved seconds as the form shows them: whole minutes where they divide, else up to two decimals. */
export function minutesFromSeconds(seconds: number): string {
  return String(Math.round((seconds / 60) * 100) / 100);
}

/** An API refusal of the idle time, reworded in the form's unit; every other field's message stays. */
export function idleTimeInMinutes<T>(result: ActionResult<T>, bounds: { min: number; max: number }): ActionResult<T> {
  if (result.ok || !result.fieldErrors?.[FIELD]) return result;
  const message = `must be a number of minutes from ${minutesFromSeconds(bounds.min)} to ${minutesFromSeconds(bounds.max)}`;
  return {
    ...result,
    message: result.message.startsWith(`Invalid '${FIELD}'`) ? `Invalid idle time: ${message}` : result.message,
    fieldErrors: { ...result.fieldErrors, [FIELD]: message },
  };
}
