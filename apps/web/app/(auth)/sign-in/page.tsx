import Link from 'next/link';
import { ErrorState } from '../../../components/states';
import { providerButtons } from '../../../lib/auth/oauth-providers';
import { signInErrorMessage } from '../../../lib/auth/sign-in-error-message';
import { signUpOpen } from '../../../lib/dashboard/sign-up';
import { serverContext } from '../../../lib/server/context';
import { ProviderButtons } from './provider-buttons';
import { SignInForm } from './sign-in-form';

export const dynamic = 'force-dynamic';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ email?: string; next?: string; error?: string }> }) {
  const { email, next, error } = await searchParams;
  const target = next?.startsWith('/') && !next.startsWith('//') ? next : '/deployments';
  const errorMessage = signInErrorMessage(error);
  const providers = providerButtons(serverContext().env);
  return (
    <>
      <h1 className="mb-4 text-lg font-semibold">Sign in</h1>
      {errorMessage ? (
        <div className="mb-4">
          <ErrorState title="Could not sign in" message={errorMessage} />
        </div>
      ) : null}
      {providers.length > 0 ? <ProviderButtons providers={providers} next={target} /> : null}
      <SignInForm email={email} next={target} />
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
