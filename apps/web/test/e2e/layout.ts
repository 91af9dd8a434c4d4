import type { Browser, Locator, Page } from 'playwright-core';
import { newLoopbackContext, PHONE_VIEWPORT } from './browser';

/**
 * Pages wider than a 390 px phone, each with the element that sticks out furthest (for the failure
 * message): every path is opened in a phone-sized window signed in as `page`'s user. Empty = all fit.
 */
export async function pagesWiderThanPhone(browser: Browser, page: Page, baseURL: string, paths: string[]): Promise<string[]> {
  const context = await newLoopbackContext(browser, baseURL, { phone: true, storageState: await page.context().storageState() });
  try {
    const phone = await context.newPage();
    const wide: string[] = [];
    for (const path of paths) {
      const response = await phone.goto(path);
      if (!response?.ok()) throw new Error(`${path} answered ${response?.status()} on the phone`);
      const width = await phone.evaluate(() => document.documentElement.scrollWidth);
      if (width > PHONE_VIEWPORT.width) wide.push(`${path} is ${width} px wide (furthest out: ${await widestElement(phone)})`);
    }
    return wide;
  } finally {
    await context.close();
  }
}

function widestElement(page: Page): Promise<string> {
  return page.evaluate(() => {
    let widest: Element | null = null;
    let right = 0;
    for (const element of document.querySelectorAll('body *')) {
      const edge = element.getBoundingClientRect().right;
      if (edge > right) [widest, right] = [element, edge];
    }
    return widest ? `<${widest.tagName.toLowerCase()} class="${widest.getAttribute('class') ?? ''}"> to ${Math.round(right)} px` : 'none';
  });
}

/** How much of a table is hidden sideways by the box it scrolls in (0 when it shows whole). */
export function hiddenWidth(table: Locator): Promise<number> {
  return table.locator('..').evaluate((box) => box.scrollWidth - box.clientWidth);
}
