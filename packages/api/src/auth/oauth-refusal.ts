/**
 * Why an identity-provider sign-in was turned away. The sign-in page receives only the code (in
 * its `error` query parameter) and words it from this table, so a crafted link cannot put text of
 * its choosing on the page.
 */
export const OAUTH_REFUSALS = {
  invite_only:
    'There is no account with this email address, and accounts on this platform are created by an administrator or an invitation. Ask yours for one, then continue with this provider again.',
  disabled: 'This account has been disabled. Ask an administrator to enable it again.',
  email_unverified:
    'The provider did not share a verified email address, which is needed to find or create your account. Verify an email address there (and allow it to be shared), then try again.',
} as const;

export type OAuthRefusalCode = keyof typeof OAUTH_REFUSALS;

export class OAuthRefusal extends Error {
  constructor(readonly code: OAuthRefusalCode) {
    super(OAUTH_REFUSALS[code]);
    this.name = 'OAuthRefusal';
  }
}
