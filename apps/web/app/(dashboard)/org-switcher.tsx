'use client';

import { useTransition } from 'react';
import { Select } from '../../components/field';
import type { UserOrganization } from '../../lib/dashboard/organizations';
import { switchOrganization } from './actions';

/** Shown only to users in several organizations; switching reloads every page for the new one. */
export function OrgSwitcher({ organizations, current }: { organizations: UserOrganization[]; current: string }) {
  const [pending, startTransition] = useTransition();
  if (organizations.length < 2) {
    return <p className="truncate px-3 text-sm font-medium">{organizations.find((o) => o.id === current)?.name}</p>;
  }
  return (
    <div className="px-3">
      <label htmlFor="org-switcher" className="sr-only">
        Organization
      </label>
      <Select id="org-switcher" value={current} disabled={pending} onChange={(event) => startTransition(() => switchOrganization(event.target.value))}>
        {organizations.map((org) => (
          <option key={org.id} value={org.id}>
            {org.name}
          </option>
        ))}
      </Select>
    </div>
  );
}
