import * as api from '@gguf/api';
import { authThrottleLimits } from '../auth/throttle-limits';
import { serverContext } from '../server/context';

/** The sign-up page's calls, bound to this server's dependencies; the rules live in @gguf/api. */
export { signUpBody, type SignUpInput } from '@gguf/api';

/** Whether anyone may create an account from the sign-in page (SIGNUP_MODE=open) or only invitees. */
export function signUpOpen(): boolean {
  return serverContext().env.SIGNUP_MODE === 'open';
}

export function signUp(input: api.SignUpInput): Promise<{ userId: string; orgId: string }> {
  return api.signUp(serverContext().deps, input);
}

/** Sign-up from the page, throttled per client address and email before the password is hashed (429 beyond). */
export async function signUpFrom(address: string, input: api.SignUpInput): Promise<{ userId: string; orgId: string }> {
  const { deps, env } = serverContext();
  await api.throttleAuthAttempt(deps, 'sign_up', { address, account: input.email }, authThrottleLimits(env, 'sign_up'));
  return signUp(input);
}
