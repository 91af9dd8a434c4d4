import Link from 'next/link';
import { buttonClass } from '../../../components/button';
import { EmptyState } from '../../../components/states';
import { requireUser } from '../../../lib/dashboard/session';

export default async function NoOrganizationPage() {
  const user = await requireUser();
  return (
    <EmptyState
      title="You are not in any organization"
      action={
        user.isPlatformAdmin ? (
          <Link href="/admin/nodes" className={buttonClass()}>
            Go to the admin pages
          </Link>
        ) : null
      }
    >
      Deployments and keys belong to an organization. Ask an owner of one to add you, or an administrator to create one for you.
    </EmptyState>
  );
}
