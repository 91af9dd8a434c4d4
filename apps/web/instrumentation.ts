/**
 * Runs once when the server starts: a bad environment stops the app at boot, naming the variable,
 * and the front door starts seeing each request as it arrives (lib/auth/front-door.ts).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { serverContext } = await import('./lib/server/context');
  const { installFrontDoor } = await import('./lib/auth/front-door');
  installFrontDoor(serverContext().env.TRUSTED_PROXIES);
}
