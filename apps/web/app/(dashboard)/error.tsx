'use client';

import { Button } from '../../components/button';
import { ErrorState } from '../../components/states';

/** Anything a page did not handle itself: said in words, with a way to try again, never a blank page. */
export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <ErrorState
      title="This page could not be loaded"
      message={error.message && !error.digest ? error.message : `The server hit an error${error.digest ? ` (reference ${error.digest})` : ''}. Try again; if it persists, check the web server's log.`}
      action={<Button onClick={reset}>Try again</Button>}
    />
  );
}
