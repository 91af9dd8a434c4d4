'use client';

import { useEffect, useState } from 'react';
import { buttonClass } from './button';

export const THEME_STORAGE_KEY = 'gguf-theme';

/** Runs before first paint (inlined in <head>): the stored choice, else the system preference. */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem('${THEME_STORAGE_KEY}');if(t==='dark'||(!t&&matchMedia('(prefers-color-scheme: dark)').matches))document.documentElement.classList.add('dark')}catch(e){}`;

export function ThemeToggle() {
  const [dark, setDark] = useState<boolean | null>(null);
  useEffect(() => setDark(document.documentElement.classList.contains('dark')), []);
  function toggle() {
    const next = !document.documentElement.classList.contains('dark');
    document.documentElement.classList.toggle('dark', next);
    localStorage.setItem(THEME_STORAGE_KEY, next ? 'dark' : 'light');
    setDark(next);
  }
  return (
    <button type="button" onClick={toggle} className={buttonClass('ghost', 'sm')} aria-label={dark ? 'Switch to light theme' : 'Switch to dark theme'}>
      {dark ? '☀︎ Light' : '☾ Dark'}
    </button>
  );
}
