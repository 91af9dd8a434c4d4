import Link from 'next/link';
import type { ReactNode } from 'react';
import { NavLink } from '../../components/nav-link';
import { SignOutButton } from '../../components/sign-out-button';
import { ThemeToggle } from '../../components/theme-toggle';
import { listUserOrganizations } from '../../lib/dashboard/organizations';
import { currentOrgScope, requireUser } from '../../lib/dashboard/session';
import { OrgSwitcher } from './org-switcher';

export const dynamic = 'force-dynamic';

const TENANT_NAV = [
  { href: '/deployments', label: 'Deployments' },
  { href: '/endpoint', label: 'Endpoint' },
  { href: '/api-keys', label: 'API keys' },
  { href: '/usage', label: 'Usage' },
  { href: '/members', label: 'Members' },
  { href: '/settings', label: 'Settings' },
];

const ADMIN_NAV = [
  { href: '/admin/nodes', label: 'Nodes' },
  { href: '/admin/deployments', label: 'All deployments' },
  { href: '/admin/organizations', label: 'Organizations' },
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/audit-log', label: 'Audit log' },
];

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  const [scope, organizations] = await Promise.all([currentOrgScope(), listUserOrganizations(user.id)]);
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      {/* The aside stretches to the page's full height (its background and border with it); its contents stick to the window. */}
      <aside className="border-b border-zinc-200 bg-white md:w-60 md:shrink-0 md:border-r md:border-b-0 dark:border-zinc-800 dark:bg-zinc-900">
        <div className="flex flex-col gap-4 p-3 md:sticky md:top-0 md:h-screen md:overflow-y-auto">
          <Link href="/deployments" className="px-3 pt-2 text-lg font-semibold tracking-tight">
            <span className="text-indigo-600 dark:text-indigo-400">GGUF</span> Cloud
          </Link>
          {scope ? <OrgSwitcher organizations={organizations} current={scope.orgId} /> : null}
          <nav aria-label="Main" className="flex flex-row flex-wrap gap-1 md:flex-col">
            {TENANT_NAV.map((item) => (
              <NavLink key={item.href} href={item.href}>
                {item.label}
              </NavLink>
            ))}
          </nav>
          {user.isPlatformAdmin ? (
            <nav aria-label="Admin" className="flex flex-row flex-wrap gap-1 md:flex-col">
              <p className="hidden px-3 pt-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase md:block">Admin</p>
              {ADMIN_NAV.map((item) => (
                <NavLink key={item.href} href={item.href}>
                  {item.label}
                </NavLink>
              ))}
            </nav>
          ) : null}
          <div className="mt-auto border-t border-zinc-200 pt-3 dark:border-zinc-800">
            <p className="truncate px-3 text-xs text-zinc-500" title={user.email}>
              {user.email}
            </p>
            <div className="mt-1 flex gap-1 px-1">
              <ThemeToggle />
              <SignOutButton />
            </div>
          </div>
        </div>
      </aside>
      <main id="main" className="min-w-0 flex-1 px-4 py-6 md:px-8 md:py-8">
        <div className="mx-auto max-w-6xl">{children}</div>
      </main>
    </div>
  );
}
