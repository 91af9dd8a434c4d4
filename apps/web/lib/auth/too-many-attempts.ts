/**
 * A throttled sign-in, as next-auth carries it to the sign-in form: the error code in its redirect
 * URL, with the seconds to wait. Free of server dependencies, so the form can word it too.
 */
const PREFIX = 'TooManyAttempts:';

export function tooManyAttemptsCode(retryAfterSeconds: number): string {
  return `${PREFIX}${Math.max(1, Math.ceil(retryAfterSeconds))}`;
}

/** The seconds to wait, when `code` is a throttled sign-in's; null for any other code. */
export function tooManyAttemptsSeconds(code: string | null | undefined): number | null {
  const match = code?.startsWith(PREFIX) ? /^\d{1,6}$/.exec(code.slice(PREFIX.length)) : null;
  return match ? Number(match[0]) : null;
}

export function tooManyAttemptsMessage(retryAfterSeconds: number): string {
  const wait = retryAfterSeconds >= 120 ? `${Math.ceil(retryAfterSeconds / 60)} minutes` : `${retryAfterSeconds} seconds`;
  return `Too many sign-in attempts. Wait ${wait}, then try again.`;
}
