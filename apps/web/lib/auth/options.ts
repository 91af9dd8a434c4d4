import { ApiError, linkOAuthIdentity, OAuthRefusal, revokeSession, signInWithPassword, startSession } from '@gguf/api';
import { describeError } from '@gguf/core';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { ServerContext } from '../server/context';
import { clientAddress } from './client-address';
import { oauthProviders } from './oauth-providers';
import type { ProviderUser } from './provider-user';
import { authThrottleLimits } from './throttle-limits';
import { tooManyAttemptsCode } from './too-many-attempts';

/** Dashboard sessions last a working week from sign-in; sign-out, a password change or deactivation ends them sooner. */
export const SESSION_MAX_AGE_S = 7 * 24 * 3600;

/**
 * next-auth v4: email + password against the users table, plus GitHub and OIDC when configured
 * (linked to users through auth_identities), sessions as signed and encrypted JWTs in a cookie.
 * The token carries only the user id and the id of the sessions row made at sign-in; that row, the
 * user, the organization and the role are read from the database on every request, so signing
 * out, a password change, deactivation or a removed membership bite at once.
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
        async authorize(credentials, request) {
          const email = credentials?.email;
          const password = credentials?.password;
          if (!email || !password || email.length > 254 || password.length > 200) return null;
          const address = clientAddress(new Headers(request.headers as Record<string, string>));
          try {
            return await signInWithPassword(deps, { email, password, address }, authThrottleLimits(env, 'sign_in'));
          } catch (error) {
            // next-auth puts a thrown message in the error URL: only codes the sign-in form words go there.
            if (error instanceof ApiError && error.code === 'rate_limited') throw new Error(tooManyAttemptsCode(error.retryAfterSeconds ?? 60), { cause: error });
            logger.error({ err: describeError(error) }, 'password sign-in failed');
            throw new Error('SignInError', { cause: error });
          }
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
      async jwt({ token, user }) {
        // `user` is there only at sign-in: the one moment a session (row) begins.
        if (user) return { ...token, sub: user.id, sid: await startSession(db, user.id, SESSION_MAX_AGE_S) };
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub } };
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === 'string') await revokeSession(db, token.sid);
      },
    },
  };
}
