import Link from 'next/link';
import type { ReactNode } from 'react';
import { CopyField } from './copy-button';

/**
 * A base URL in both forms, each with its copy button (the OpenAI SDK takes `…/v1`, the Anthropic SDK
 * and Claude Code the root), and how to authenticate; `note` says what `model` means there.
 */
export function BaseUrls({ urls, testIdPrefix, note }: { urls: { base_url: string; openai_base_url: string }; testIdPrefix: string; note: ReactNode }) {
  return (
    <>
      <div className="grid gap-4 md:grid-cols-2">
        <CopyField label="OpenAI SDK base URL" value={urls.openai_base_url} testId={`${testIdPrefix}openai-base-url`} />
        <CopyField label="Anthropic SDK / Claude Code base URL" value={urls.base_url} testId={`${testIdPrefix}anthropic-base-url`} />
      </div>
      <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400">
        Authenticate with an API key from the{' '}
        <Link href="/api-keys" className="text-indigo-600 hover:underline dark:text-indigo-400">
          API keys
        </Link>{' '}
        page, as <code>Authorization: Bearer</code> or <code>x-api-key</code>. {note}
      </p>
    </>
  );
}
