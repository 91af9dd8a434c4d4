import Link from 'next/link';
import { ErrorState } from '../../../components/states';
import { signUpOpen } from '../../../lib/dashboard/sign-up';
import { SignUpForm } from './sign-up-form';

export const dynamic = 'force-dynamic';

export default function SignUpPage() {
  return (
    <>
      <h1 className="mb-4 text-lg font-semibold">Create your account</h1>
      {signUpOpen() ? (
        <SignUpForm />
      ) : (
        <ErrorState title="Invitation only" message="Accounts on this platform are created by an administrator. Ask yours for an invitation." />
      )}
      <p className="mt-4 text-center text-sm text-zinc-600 dark:text-zinc-400">
        Already have an account?{' '}
        <Link href="/sign-in" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Sign in
        </Link>
      </p>
    </>
  );
}
