import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './product';

const DIR = join(ROOT, 'docs/screenshots');

/** Screenshots for the docs are rewritten only when asked (UPDATE_SCREENSHOTS=1), never by CI. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  await mkdir(DIR, { recursive: true });
  await page.screenshot({ path: join(DIR, `${name}.png`), fullPage: false });
}
