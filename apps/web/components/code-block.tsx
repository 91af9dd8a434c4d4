'use client';

import { CopyButton } from './copy-button';
import type { Snippet } from '../lib/dashboard/snippets';
import { Tabs } from './tabs';

/** Long lines scroll inside the block (never widening the page); the copy button stays put. */
export function CodeBlock({ code }: { code: string }) {
  return (
    <div className="relative min-w-0">
      <pre className="overflow-x-auto rounded-md bg-zinc-950 p-4 pr-20 font-mono text-xs leading-relaxed text-zinc-100 dark:bg-black">
        <code>{code}</code>
      </pre>
      <div className="absolute top-2 right-2">
        <CopyButton value={code} />
      </div>
    </div>
  );
}

/** Code snippets in tabs, one per language or client. */
export function CodeTabs({ snippets }: { snippets: Snippet[] }) {
  return <Tabs items={snippets.map((s) => ({ id: s.id, label: s.label, content: <CodeBlock code={s.code} /> }))} />;
}
