import type { ReactNode } from 'react';
import { requireAdminScope } from '../../../lib/dashboard/session';

/** Every admin page is for platform administrators only; anyone else sees the not-found page. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireAdminScope();
  return children;
}
