import type { ApiDeps } from '../deps';
import { type AuthThrottleLimits, throttleAuthAttempt } from '../quotas/throttle-auth-attempt';
import { authenticatePassword, type SignedInUser } from './authenticate-password';

export interface PasswordSignIn {
  email: string;
  password: string;
  /** The client's address, for the per-address budget. */
  address: string;
}

/**
 * Email + password sign-in behind the throttle: the attempt is counted for the address and the
 * account before the password is hashed, so a flood of guesses costs Redis increments, not 32 MiB
 * scrypt hashes. A right password gives the account's attempt back. Throws rate_limited (429).
 */
export async function signInWithPassword(deps: Pick<ApiDeps, 'db' | 'redis' | 'logger'>, attempt: PasswordSignIn, limits: AuthThrottleLimits): Promise<SignedInUser | null> {
  const ticket = await throttleAuthAttempt(deps, 'sign_in', { address: attempt.address, account: attempt.email }, limits);
  const user = await authenticatePassword(deps.db, attempt.email, attempt.password);
  if (user) await ticket.succeeded();
  return user;
}
