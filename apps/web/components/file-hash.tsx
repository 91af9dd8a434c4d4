import { CopyButton } from './copy-button';

/**
 * A SHA-256 in hex, shortened for the eye (first and last characters) with the whole value in the
 * tooltip, for screen readers and on the copy button, so it can be compared with a publisher's.
 */
export function FileHash({ sha256, testId }: { sha256: string; testId?: string }) {
  const short = sha256.length > 20 ? `${sha256.slice(0, 12)}…${sha256.slice(-8)}` : sha256;
  return (
    <span className="inline-flex max-w-full items-center gap-2">
      <code title={sha256} data-testid={testId} data-value={sha256} className="min-w-0 truncate rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800">
        <span aria-hidden>{short}</span>
        <span className="sr-only">{sha256}</span>
      </code>
      <CopyButton value={sha256} label="Copy SHA-256" />
    </span>
  );
}
