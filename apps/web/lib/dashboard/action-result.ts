import { ApiError, fromZodError } from '@gguf/api';
import type { z } from 'zod';

/** What a server action answers a form with: field errors in words, or a general message. */
export type ActionResult<T = undefined> = { ok: true; value: T } | { ok: false; message: string; fieldErrors?: Record<string, string> };

/** One message per field path ("gpu.count"), from the same zod schemas the REST API validates with. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    out[path] ??= issue.message;
  }
  return out;
}

export function invalid(error: z.ZodError): ActionResult<never> {
  return { ok: false, message: fromZodError(error).message, fieldErrors: fieldErrorsOf(error) };
}

/**
 * Runs a domain call for a server action: API errors become words for the form; anything else is
 * a bug and is thrown to the error boundary. Next's redirect/notFound signals pass through.
 */
export async function runAction<T>(work: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, message: error.message, ...(error.param ? { fieldErrors: { [error.param]: error.message } } : {}) };
    throw error;
  }
}
