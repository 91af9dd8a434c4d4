import * as api from '@gguf/api';
import type { z } from 'zod';
import { serverContext } from '../server/context';

/** The invitation pages' calls, bound to this server's dependencies; the rules live in @gguf/api. */
export { invitationBody, invitedSignUpBody, type OpenInvitation } from '@gguf/api';

/** Creates an invitation and returns its link, to be sent by the inviter; shown once. */
export async function createInvitation(scope: api.OrgScope, input: z.infer<typeof api.invitationBody>): Promise<{ link: string }> {
  const { deps, env } = serverContext();
  const { token } = await api.createInvitation(deps, scope, input);
  return { link: `${env.PUBLIC_WEB_URL}/invite/${token}` };
}

export function findOpenInvitation(token: string): Promise<api.OpenInvitation | null> {
  return api.findOpenInvitation(serverContext().deps, token);
}

export function acceptInvitation(token: string, user: { id: string; email: string }): Promise<string> {
  return api.acceptInvitation(serverContext().deps, token, user);
}

export function signUpInvited(token: string, input: z.infer<typeof api.invitedSignUpBody>): Promise<{ email: string }> {
  return api.signUpInvited(serverContext().deps, token, input);
}
