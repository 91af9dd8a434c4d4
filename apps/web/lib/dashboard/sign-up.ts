import * as api from '@gguf/api';
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
