import { OAUTH_REFUSALS } from '@gguf/api';
import { tooManyAttemptsMessage, tooManyAttemptsSeconds } from './too-many-attempts';

/** next-auth's own error codes that can reach the sign-in page, in words. */
const NEXT_AUTH_ERRORS: Record<string, string> = {
  OAuthSignin: 'Could not start signing in with the provider. Try again; if it keeps failing, tell your administrator.',
  OAuthCallback: 'The provider did not complete the sign-in. Try again; if it keeps failing, tell your administrator.',
  Callback: 'Signing in with the provider failed on our side. Try again; if it keeps failing, tell your administrator.',
  AccessDenied: 'Sign-in was refused.',
  Configuration: 'Sign-in is misconfigured on this server. Tell your administrator.',
};

const FALLBACK = 'Sign-in failed. Try again.';

/**
 * The message for the sign-in page's `error` query parameter; null when there is none. Unknown
 * codes get a general message, never the parameter itself, so a link cannot put words on the page.
 */
export function signInErrorMessage(code: string | undefined): string | null {
  if (!code) return null;
  const wait = tooManyAttemptsSeconds(code);
  if (wait !== null) return tooManyAttemptsMessage(wait);
  if (Object.hasOwn(OAUTH_REFUSALS, code)) return OAUTH_REFUSALS[code as keyof typeof OAUTH_REFUSALS];
  return Object.hasOwn(NEXT_AUTH_ERRORS, code) ? NEXT_AUTH_ERRORS[code]! : FALLBACK;
}
