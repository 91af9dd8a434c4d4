import { authenticatePassword } from '@gguf/api';
import type { Database } from '@gguf/db';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';

/** Dashboard sessions last a working week; a disabled user loses access at once anyway (checked per request). */
const SESSION_MAX_AGE_S = 7 * 24 * 3600;

/**
 * next-auth v4: email + password against the users table, sessions as signed and encrypted JWTs
 * in a cookie. The token carries only the user id and the platform-admin flag; the organization
 * and role are read from the database on every API call, so removing a membership bites at once.
 */
export function authOptions(db: Database, secret: string): NextAuthOptions {
  return {
    secret,
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_S },
    // The dashboard's own sign-in page instead of next-auth's generated one.
    pages: { signIn: '/sign-in' },
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
    ],
    callbacks: {
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
