import NextAuth from 'next-auth';
import { authOptions } from '../../../../lib/auth/options';
import { throttledAnswer } from '../../../../lib/auth/throttled-answer';
import { serverContext } from '../../../../lib/server/context';

/** next-auth's sign-in, sign-out, session and CSRF endpoints, built on first use: the environment is read at runtime, not at build. */
async function handler(request: Request, routeContext: { params: Promise<{ nextauth: string[] }> }): Promise<Response> {
  const context = serverContext();
  // next-auth v4 takes its own URL (callbacks, secure cookies) only from NEXTAUTH_URL; PUBLIC_WEB_URL is that URL.
  process.env.NEXTAUTH_URL ??= context.env.PUBLIC_WEB_URL;
  return throttledAnswer(await NextAuth(authOptions(context))(request, routeContext));
}

export { handler as GET, handler as POST };
