import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { THEME_BOOT_SCRIPT } from '../components/theme-toggle';
import './globals.css';

export const metadata: Metadata = {
  title: 'GGUF Cloud',
  description: 'Deploy GGUF models on your own GPU servers and call them with the OpenAI and Anthropic SDKs.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The theme class is set before paint by the boot script, so React must not fight over it.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">{children}</body>
    </html>
  );
}
