export interface InvitationEmail {
  to: string;
  subject: string;
  text: string;
}

/** The email an invitation sends, in plain text: the link is the only thing to act on. */
export function invitationEmail(invite: { email: string; organization: string; role: string; inviter: string | null; link: string; expiresAt: Date }): InvitationEmail {
  const who = invite.inviter ? `${invite.inviter} invited you` : 'You are invited';
  return {
    to: invite.email,
    subject: `Join ${invite.organization} on GGUF Cloud`,
    text: [
      `${who} to join the organization "${invite.organization}" on GGUF Cloud as ${invite.role === 'admin' ? 'an admin' : `a ${invite.role}`}.`,
      '',
      `Accept the invitation here (it works once, until ${invite.expiresAt.toUTCString()}):`,
      invite.link,
      '',
      'If you did not expect this, you can ignore this email.',
    ].join('\n'),
  };
}
