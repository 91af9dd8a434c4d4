'use client';

import { signOut } from 'next-auth/react';
import { buttonClass } from './button';

export function SignOutButton() {
  return (
    <button type="button" className={buttonClass('ghost', 'sm')} onClick={() => signOut({ callbackUrl: '/sign-in' })}>
      Sign out
    </button>
  );
}
