import * as api from '@gguf/api';
import type { z } from 'zod';
import { authThrottleLimits } from '../auth/throttle-limits';
import { serverContext } from '../server/context';

/** The invitation pages' calls, bound to this server's dependencies; the rules live in @gguf/api. */
export { invitationBody, invitedSignUpBody, type OpenInvitation } from '@gguf/api';

export interface SentInvitation {
  /** Shown once, to copy; it is also what the email carries. */
  link: string;
  /** Whether the invitation went out by email (SMTP_URL set and the server took it). */
  emailed: boolean;
  /** Why the email could not be sent, in words for the inviter. */
  emailError?: string;
}

/**
 * Creates an invitation and emails its link when a mail server is configured. The invitation stands
 * either way: a mail server that is down costs the inviter a copy-and-paste, never the invitation.
 */
export async function createInvitation(scope: api.OrgScope, input: z.infer<typeof api.invitationBody>): Promise<SentInvitation> {
  const { deps, env, mailer, logger } = serverContext();
  const invitation = await api.createInvitation(deps, scope, input);
  const link = `${env.PUBLIC_WEB_URL}/invite/${invitation.token}`;
  if (!mailer) return { link, emailed: false };
  try {
    await mailer.send(api.invitationEmail({ ...invitation, link }));
    return { link, emailed: true };
  } catch (error) {
    // The link holds the token: it is never logged, only the failure.
    logger.warn({ requestId: scope.requestId, err: error instanceof Error ? error.message : String(error) }, 'could not send an invitation email');
    return { link, emailed: false, emailError: 'The mail server did not accept the email.' };
  }
}

export function findOpenInvitation(token: string): Promise<api.OpenInvitation | null> {
  return api.findOpenInvitation(serverContext().deps, token);
}

/** Invitation attempts are throttled per client address and invited email, like sign-ins (429 beyond). */
async function throttleInvitation(address: string, account: string | undefined): Promise<void> {
  const { deps, env } = serverContext();
  await api.throttleAuthAttempt(deps, 'invitation', { address, account }, authThrottleLimits(env, 'invitation'));
}

export async function acceptInvitation(address: string, token: string, user: { id: string; email: string }): Promise<string> {
  await throttleInvitation(address, user.email);
  return api.acceptInvitation(serverContext().deps, token, user);
}

/** An account for the invited address; the throttle acts before the password is hashed. */
export async function signUpInvited(address: string, token: string, input: z.infer<typeof api.invitedSignUpBody>): Promise<{ email: string }> {
  await throttleInvitation(address, (await findOpenInvitation(token))?.email);
  return api.signUpInvited(serverContext().deps, token, input);
}
