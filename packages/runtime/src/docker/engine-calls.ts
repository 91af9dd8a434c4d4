import { describeError } from '@gguf/core';

/** Small wrappers around dockerode calls: the engine's status and words, and deadlines. */
interface DockerError {
  statusCode?: number;
  json?: { message?: string };
  reason?: string;
  message?: string;
}

export const statusOf = (error: unknown): number | undefined => (error as DockerError | undefined)?.statusCode;

/** The engine's own words, not dockerode's "(HTTP code 500) server error - " wrapper. */
export function engineMessage(error: unknown): string {
  const e = error as DockerError;
  return (e?.json?.message ?? describeError(error).replace(/^\(HTTP code \d+\)\s*[\w\s]*-\s*/, '')).trim();
}

/** Runs an engine call, turning the given HTTP statuses into `undefined` (a missing container, say). */
export async function ignoring<T>(codes: number[], call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (codes.includes(statusOf(error) ?? -1)) return undefined;
    throw error;
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
