/** Runs once when the server starts: a bad environment stops the app at boot, naming the variable. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { serverContext } = await import('./lib/server/context');
  serverContext();
}
