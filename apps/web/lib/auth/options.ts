import { authenticatePassword, linkOAuthIdentity, OAuthRefusal } from '@gguf/api';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { ServerContext } from '../server/context';
import { oauthProviders } from './oauth-providers';
import type { ProviderUser } from './provider-user';

/** Dashboard sessions last a working week; a disabled user loses access at once anyway (checked per request). */
const SESSION_MAX_AGE_S = 7 * 24 * 3600;

/**
 * next-auth v4: email + password against the users table, plus GitHub and OIDC when configured
 * (linked to users through auth_identities), sessions as signed and encrypted JWTs in a cookie.
 * The token carries only the user id and the platform-admin flag; the organization and role are
 * read from the database on every API call, so removing a membership bites at once.
 */
export function authOptions({ db, deps, env, logger }: ServerContext): NextAuthOptions {
  return {
    secret: env.AUTH_SECRET,
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_S },
    // The dashboard's own sign-in page instead of next-auth's generated ones; it words the error codes.
    pages: { signIn: '/sign-in', error: '/sign-in' },
    providers: [
      CredentialsProvider({
        name: 'Email and password',
        credentials: {
          email: { label: 'Email', type: 'email' },
          password: { label: 'Password', type: 'password' },
        },
        async authorize(credentials) {
          const email = credentials?.email;
          const password = credentials?.password;
          if (!email || !password || email.length > 254 || password.length > 200) return null;
          return authenticatePassword(db, email, password);
        },
      }),
      ...oauthProviders(env),
    ],
    callbacks: {
      async signIn({ user, account }) {
        if (account?.type !== 'oauth') return true;
        const provided = user as ProviderUser;
        try {
          const linked = await linkOAuthIdentity(
            deps,
            { provider: account.provider, providerAccountId: account.providerAccountId, email: provided.email, emailVerified: provided.emailVerified, name: provided.name },
            env.SIGNUP_MODE,
          );
          // Without an adapter next-auth hands this same object to the jwt callback (token.sub = user.id):
          // it must become our user, not the provider's account.
          Object.assign(user, linked);
          return true;
        } catch (error) {
          if (error instanceof OAuthRefusal) return `/sign-in?error=${error.code}`;
          // Thrown, next-auth would put the message in the redirect URL; it belongs in the log.
          logger.error({ err: error, provider: account.provider }, 'identity-provider sign-in failed');
          return '/sign-in?error=Callback';
        }
      },
      jwt({ token, user }) {
        if (user) token.isPlatformAdmin = (user as { isPlatformAdmin?: boolean }).isPlatformAdmin === true;
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub, isPlatformAdmin: token.isPlatformAdmin === true } };
      },
    },
  };
}
