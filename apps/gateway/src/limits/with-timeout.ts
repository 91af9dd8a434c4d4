/** Redis answers in well under a millisecond; past this a decision is made without it rather than stalled. */
const DECISION_TIMEOUT_MS = 250;

/** `promise`, or a rejection once DECISION_TIMEOUT_MS passes first. */
export function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from redis within ${DECISION_TIMEOUT_MS} ms`)), DECISION_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
