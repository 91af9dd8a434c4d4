'use client';

import { signIn } from 'next-auth/react';
import { useState } from 'react';
import { Button } from '../../../components/button';
import type { ProviderButton } from '../../../lib/auth/oauth-providers';

/** "Continue with …" for each configured identity provider; the provider sends the browser back to `next`. */
export function ProviderButtons({ providers, next }: { providers: ProviderButton[]; next: string }) {
  const [pending, setPending] = useState<string | null>(null);
  return (
    <div className="mb-4 space-y-2">
      {providers.map((provider) => (
        <Button
          key={provider.id}
          variant="secondary"
          className="w-full"
          disabled={pending !== null}
          onClick={() => {
            setPending(provider.id);
            void signIn(provider.id, { callbackUrl: next });
          }}
        >
          {pending === provider.id ? 'Redirecting…' : `Continue with ${provider.name}`}
        </Button>
      ))}
      <p className="flex items-center gap-3 pt-2 text-xs text-zinc-500 before:h-px before:flex-1 before:bg-zinc-200 after:h-px after:flex-1 after:bg-zinc-200 dark:before:bg-zinc-800 dark:after:bg-zinc-800">
        or with your email
      </p>
    </div>
  );
}
