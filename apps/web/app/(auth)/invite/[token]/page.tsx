import Link from 'next/link';
import { ErrorState } from '../../../../components/states';
import { findOpenInvitation } from '../../../../lib/dashboard/invitations';
import { currentUser } from '../../../../lib/dashboard/session';
import { serverContext } from '../../../../lib/server/context';
import { AcceptInvite, InvitedSignUp } from './invite-forms';

export const dynamic = 'force-dynamic';

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await findOpenInvitation(token);
  if (!invitation) {
    return <ErrorState title="Invitation not valid" message="This link has expired, was already used or was withdrawn. Ask whoever invited you for a new one." />;
  }
  const user = await currentUser();
  const signInHref = `/sign-in?${new URLSearchParams({ email: invitation.email, next: `/invite/${token}` })}`;
  const hasAccount = user ? true : (await serverContext().db.user.count({ where: { email: invitation.email } })) > 0;
  return (
    <>
      <h1 className="text-lg font-semibold">Join {invitation.orgName}</h1>
      <p className="mt-1 mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        You are invited as {invitation.role === 'admin' ? 'an admin' : 'a member'}, at {invitation.email}.
      </p>
      {user ? (
        user.email === invitation.email ? (
          <AcceptInvite token={token} />
        ) : (
          <ErrorState title="Signed in as someone else" message={`You are signed in as ${user.email}. Sign out, then open this link again and sign in as ${invitation.email}.`} />
        )
      ) : hasAccount ? (
        <Link href={signInHref} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Sign in as {invitation.email} to accept
        </Link>
      ) : (
        <InvitedSignUp token={token} email={invitation.email} />
      )}
    </>
  );
}
