import { describeError, type Logger, retryWithBackoff } from '@gguf/core';
import { type Database, pingDatabase } from './client';

/**
 * Waits until Postgres answers, logging one readable line per failed attempt and backing off,
 * so an app started before its database neither crashes nor floods the log with stack traces.
 */
export async function waitForDatabase(db: Database, logger: Logger, options: { deadlineMs?: number; signal?: AbortSignal } = {}): Promise<void> {
  await retryWithBackoff(() => pingDatabase(db), {
    initialDelayMs: 500,
    maxDelayMs: 10_000,
    ...options,
    onRetry: (error, attempt, delayMs) =>
      logger.warn({ attempt, retryInMs: delayMs }, `postgres not reachable (${describeError(error)}); retrying`),
  });
}
