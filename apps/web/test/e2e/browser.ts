import { type Browser, type BrowserContext, type BrowserContextOptions, chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PHONE_VIEWPORT = { width: 390, height: 844 };

/**
 * Debian's headless Chromium, with everything that would phone home turned off. Every request
 * not for 127.0.0.1 is aborted, so a page can never reach past loopback.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
}

/** A desktop window by default; `phone` is a 390 px wide one (an iPhone's CSS width). */
export async function newLoopbackContext(browser: Browser, baseURL: string, options: { phone?: boolean; storageState?: BrowserContextOptions['storageState'] } = {}): Promise<BrowserContext> {
  const viewport = options.phone ? PHONE_VIEWPORT : { width: 1280, height: 800 };
  const context = await browser.newContext({ baseURL, viewport, colorScheme: 'light', storageState: options.storageState });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort('blockedbyclient')));
  return context;
}
