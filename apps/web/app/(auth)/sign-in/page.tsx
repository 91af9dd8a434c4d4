import Link from 'next/link';
import { signUpOpen } from '../../../lib/dashboard/sign-up';
import { SignInForm } from './sign-in-form';

export const dynamic = 'force-dynamic';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ email?: string; next?: string }> }) {
  const { email, next } = await searchParams;
  return (
    <>
      <h1 className="mb-4 text-lg font-semibold">Sign in</h1>
      <SignInForm email={email} next={next?.startsWith('/') && !next.startsWith('//') ? next : '/deployments'} />
      {signUpOpen() ? (
        <p className="mt-4 text-center text-sm text-zinc-600 dark:text-zinc-400">
          New here?{' '}
          <Link href="/sign-up" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            Create an account
          </Link>
        </p>
      ) : null}
    </>
  );
}
