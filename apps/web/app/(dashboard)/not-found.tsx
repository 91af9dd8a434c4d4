import Link from 'next/link';
import { buttonClass } from '../../components/button';
import { EmptyState } from '../../components/states';

export default function DashboardNotFound() {
  return (
    <EmptyState title="Not found" action={<Link href="/deployments" className={buttonClass('secondary')}>Back to deployments</Link>}>
      There is nothing here, or it belongs to an organization you are not part of.
    </EmptyState>
  );
}
