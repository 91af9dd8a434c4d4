/**
 * What each sign-in provider's `profile()` turns its answer into (next-auth's `user` in the
 * signIn callback): the provider's own account id, and the email only with whether it is verified.
 */
export interface ProviderUser {
  id: string;
  name: string | null;
  email: string | null;
  emailVerified: boolean;
}
