'use client';

import type { OrganizationObject } from '@gguf/api';
import { useActionForm } from '../../../../lib/dashboard/use-action-form';
import { setPlatformHfTokenAction } from './actions';

/** Whether the organization's downloads may fall back to the platform's HF_TOKEN; its own token always comes first. */
export function PlatformHfTokenToggle({ org }: { org: OrganizationObject }) {
  const { message, pending, submit } = useActionForm();
  const id = `${org.id}-platform-hf-token`;
  return (
    <div className="mt-4 flex flex-wrap items-center gap-3 text-sm">
      <label htmlFor={id} className="flex items-center gap-2">
        <input
          id={id}
          type="checkbox"
          defaultChecked={org.platform_hf_token}
          disabled={pending}
          onChange={(event) => {
            const allowed = event.currentTarget.checked;
            submit(() => setPlatformHfTokenAction(org.id, allowed));
          }}
        />
        May use the platform Hugging Face token
      </label>
      <span className="text-xs text-zinc-500">{org.hf_token_set ? 'The organization set a token of its own, used first.' : 'The organization has no token of its own.'}</span>
      {message ? (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400">
          {message}
        </p>
      ) : null}
    </div>
  );
}
