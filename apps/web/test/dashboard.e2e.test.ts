import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { acquireExclusive, GGUF_V3_HEADER } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newLoopbackContext } from './e2e/browser';
import { hiddenWidth, pagesWiderThanPhone } from './e2e/layout';
import { type ModelHub, startModelHub, TINY_CHAT } from './e2e/model-hub';
import { type RunningProduct, startProduct } from './e2e/product';
import { screenshot } from './e2e/screenshots';

/**
 * The dashboard in real headless Chromium against the real product (`npm start`: PostgreSQL,
 * Redis, web, gateway and a worker running the fake llama-server, downloading from the test kit's
 * fake Hugging Face hub): a tenant signs up, makes a key, deploys a model (watching it download),
 * connects to it, names it on the organization endpoint, makes a key with a budget and allowed
 * models, chats in the playground and revokes a key; an operator sees the node, how it isolates
 * tenants and its library. Every page visited must fit a 390 px phone. Every wait is on a
 * condition with a bound, never a fixed sleep.
 */
const UI_TIMEOUT_MS = 20_000;
/** Placing, "downloading" and starting the fake server; generous for a 2-core CI machine. */
const RUNNING_TIMEOUT_MS = 120_000;
/** A model the operator put in the node's library. */
const LIBRARY_MODEL = 'e2e/library-model.gguf';

let product: RunningProduct;
let hub: ModelHub;
let browser: Browser;
let releaseProductLock: (() => Promise<void>) | undefined;

beforeAll(async () => {
  // Suites that start the whole product take turns: each `npm start` builds the apps in this checkout.
  releaseProductLock = await acquireExclusive('npm-start');
  hub = await startModelHub();
  product = await startProduct({ env: hub.env, library: { [LIBRARY_MODEL]: Buffer.concat([GGUF_V3_HEADER, Buffer.alloc(4096)]) } });
  browser = await launchBrowser();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await product?.stop();
  await hub?.close();
  await releaseProductLock?.();
}, 60_000);

async function openPage(): Promise<Page> {
  const context = await newLoopbackContext(browser, product.webUrl);
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  return page;
}

/** Follows a sidebar link; page bodies have links with the same words. */
async function nav(page: Page, name: string, section: 'Main' | 'Admin' = 'Main'): Promise<void> {
  await page.getByRole('navigation', { name: section }).getByRole('link', { name, exact: true }).click();
}

/** A chat completion through the gateway: its status and the model it says answered. */
async function chat(key: string, openaiBaseUrl: string, model: string): Promise<{ status: number; model?: string }> {
  const response = await fetch(`${openaiBaseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: 'user', content: 'Hello there' }] }),
  });
  const body = (await response.json().catch(() => ({}))) as { model?: string };
  return { status: response.status, model: body.model };
}

async function gatewayStatus(key: string, openaiBaseUrl: string): Promise<number> {
  const response = await fetch(`${openaiBaseUrl}/models`, { headers: { authorization: `Bearer ${key}` } });
  await response.body?.cancel();
  return response.status;
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('dashboard in a browser', () => {
  it('takes a tenant from sign-up to a streamed reply, and shows an operator the node', { timeout: 600_000 }, async () => {
    const page = await openPage();
    await withFailureCapture(page, () => tenantAndOperatorJourney(page));
  });
});

/** On failure, keeps what the browser showed (screenshot and text) next to the error, for CI logs. */
async function withFailureCapture(page: Page, journey: () => Promise<void>): Promise<void> {
  try {
    await journey();
  } catch (error) {
    const file = join(tmpdir(), `gguf-e2e-failure-${Date.now()}.png`);
    await page.screenshot({ path: file }).catch(() => undefined);
    const text = await page.locator('body').innerText({ timeout: 2000 }).catch(() => '(no page text)');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n\nAt ${page.url()} (screenshot: ${file}), the page said:\n${text}`, { cause: error });
  }
}

async function tenantAndOperatorJourney(page: Page): Promise<void> {
  // Sign-up creates the user and their organization and signs them in.
  await page.goto('/sign-in');
  await screenshot(page, 'sign-in');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Your name').fill('Ada Tenant');
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByLabel('Password').fill('short');
  await page.getByLabel('Organization name').fill('Analytical Engines');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect.poll(() => page.getByText('must be at least 12 characters').isVisible(), { timeout: UI_TIMEOUT_MS }).toBe(true);
  await page.getByLabel('Password').fill('a-long-enough-password');
  expect(await pagesWiderThanPhone(browser, page, product.webUrl, ['/sign-in', '/sign-up'])).toEqual([]);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'No deployments yet' }).waitFor();

  // A key, shown once, copied to the clipboard.
  await nav(page, 'API keys');
  await page.getByLabel('Name', { exact: true }).fill('e2e backend');
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-key').textContent())!.trim();
  expect(key).toMatch(/^gguf_[0-9A-Za-z]{38}$/);
  await expect.poll(() => page.getByText('you will not see it again').isVisible()).toBe(true);
  await page.getByRole('button', { name: /^Copy key/ }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  await screenshot(page, 'api-keys');

  // The organization's own Hugging Face token: write-only, never shown again.
  const hfToken = 'hf_e2eTenantToken0123456789abcdef';
  await nav(page, 'Settings');
  await page.getByText('No token', { exact: true }).waitFor();
  await page.getByLabel('Hugging Face token').fill(hfToken);
  await page.getByRole('button', { name: 'Save token' }).click();
  await page.getByRole('status').filter({ hasText: 'will not be shown again' }).waitFor();
  await page.getByText('A token is set', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Replace token' }).waitFor();
  expect(await page.content()).not.toContain(hfToken);

  // A deployment, validated inline with the API's schema, brought to running by the worker.
  await nav(page, 'Deployments');
  await page.getByRole('link', { name: 'New deployment' }).first().click();
  // The model name follows the name as typed, slugged.
  await page.getByLabel('Name', { exact: true }).fill('Tiny Chat!');
  expect(await page.getByLabel('Model name').inputValue()).toBe('tiny-chat');
  await page.getByLabel('Name', { exact: true }).fill('tiny-chat');
  await page.getByLabel('Repository').fill('not a repo');
  await page.getByText('must be a Hugging Face repository like "owner/name"').waitFor();
  await page.getByLabel('Repository').fill(TINY_CHAT.repo);
  await page.getByLabel('GGUF file', { exact: true }).fill(TINY_CHAT.file);
  await page.getByLabel('GPUs', { exact: true }).selectOption('1');
  await page.getByLabel('Model file size (GB)').fill('40');
  await page.getByText('This will not fit').waitFor();
  await page.getByLabel('Model file size (GB)').fill('4');
  await page.getByText(/^Fits in 1 ×/).waitFor();
  await expect.poll(() => page.getByText('must be a Hugging Face repository').count()).toBe(0);
  await screenshot(page, 'new-deployment');
  await page.getByRole('button', { name: 'Create deployment' }).click();
  await page.waitForURL(/\/deployments\/dep_[0-9a-z]+$/);
  const deploymentId = page.url().split('/').pop()!;

  // The worker downloads the model from the hub (held half way for a while): a progress bar with bytes and
  // percent, on the page and, compact, in the list.
  const progress = page.getByRole('progressbar', { name: 'Model download' });
  await progress.waitFor({ timeout: RUNNING_TIMEOUT_MS });
  // Indeterminate until the first bytes are counted.
  await expect.poll(() => progress.getAttribute('aria-valuetext'), { timeout: UI_TIMEOUT_MS }).toMatch(/^[\d.]+ (bytes|KiB|MiB) of 6 MiB \(\d{1,2}%\)$/);
  expect(Number(await progress.getAttribute('aria-valuenow'))).toBeLessThan(100);
  await page.getByText(`downloading ${TINY_CHAT.file}:`).first().waitFor();
  await screenshot(page, 'deployment-pulling');
  await nav(page, 'Deployments');
  await page.getByTestId('deployment-row').filter({ hasText: 'tiny-chat' }).getByRole('progressbar', { name: 'Model download' }).waitFor();
  await page.getByRole('link', { name: 'tiny-chat', exact: true }).click();
  await page.locator('[data-testid="status"][data-status="running"]').first().waitFor({ timeout: RUNNING_TIMEOUT_MS });
  expect(await progress.count()).toBe(0);

  // Once running, the file the server runs: its size, and its SHA-256 shortened, whole when copied.
  const sha256 = page.getByTestId('model-sha256');
  expect(await sha256.getAttribute('data-value')).toBe(hub.sha256);
  expect(await sha256.getAttribute('title')).toBe(hub.sha256);
  expect(await sha256.locator('[aria-hidden]').textContent()).toBe(`${hub.sha256.slice(0, 12)}…${hub.sha256.slice(-8)}`);
  await page.getByText('6 MiB', { exact: true }).waitFor();
  await page.getByRole('button', { name: /^Copy SHA-256/ }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(hub.sha256);

  // Its one replica: the node it runs on, ready, never restarted, its in-flight count (the only server serving).
  const replicas = card(page, 'Replicas');
  const replica = replicas.getByTestId('replica');
  await replica.locator('[data-testid="server-status"][data-status="ready"]').waitFor({ timeout: UI_TIMEOUT_MS });
  expect(await replica.count()).toBe(1);
  const [nodeCell, , inflightCell, restartsCell, readySinceCell] = await replica.getByRole('cell').allTextContents();
  expect(nodeCell).toBe(product.nodeName);
  expect(inflightCell).toMatch(/^\d+$/);
  expect(restartsCell).toBe('0');
  expect(readySinceCell).toMatch(/ UTC$/);
  await replicas.getByTestId('replicas-summary').filter({ hasText: 'busy at 1 in flight per server (its parallel slots)' }).waitFor();

  // Its base URLs in both forms, and snippets with the real URL filled in: the organization endpoint
  // with its model name, and its own base URL.
  const root = `${product.gatewayUrl}/api/gguf/${deploymentId}`;
  const endpoint = `${product.gatewayUrl}/api/llm`;
  expect(await page.getByTestId('model-name').textContent()).toBe('tiny-chat');
  const byName = card(page, 'Call it by name');
  await byName.getByRole('tab', { name: 'Claude Code' }).click();
  await byName.getByRole('tabpanel').filter({ hasText: `ANTHROPIC_BASE_URL="${endpoint}"` }).filter({ hasText: 'claude --model "tiny-chat"' }).waitFor();
  const ownUrl = card(page, 'Its own base URL');
  expect(await page.getByTestId('openai-base-url').textContent()).toBe(`${root}/v1`);
  expect(await page.getByTestId('anthropic-base-url').textContent()).toBe(root);
  await ownUrl.getByRole('tab', { name: 'OpenAI Python' }).click();
  await ownUrl.getByRole('tabpanel').filter({ hasText: `base_url="${root}/v1"` }).waitFor();
  await ownUrl.getByRole('tab', { name: 'Claude Code' }).click();
  await ownUrl.getByRole('tabpanel').filter({ hasText: `ANTHROPIC_BASE_URL="${root}"` }).waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'deployment-detail');
  expect(await gatewayStatus(key, `${root}/v1`)).toBe(200);
  // The sidebar's background runs the whole length of a page taller than the window.
  const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(pageHeight).toBeGreaterThan(800);
  // (scrollHeight is rounded to a whole pixel; the aside's height may end half way through one.)
  expect(pageHeight - (await page.locator('aside').evaluate((aside) => aside.getBoundingClientRect().height))).toBeLessThan(1);

  // Its model name and a glob alias, changed in its settings without a redeploy.
  await page.getByRole('link', { name: 'Edit settings' }).click();
  expect(await page.getByLabel('Model name').inputValue()).toBe('tiny-chat');
  await page.getByLabel('Model name').fill('tiny');
  await page.getByLabel('New alias').fill('claude-*');
  await page.getByLabel('New alias').press('Enter');
  await page.getByRole('button', { name: 'Remove claude-*' }).waitFor();
  // Scale to zero, asked in minutes: a refused idle time is worded in minutes too.
  await page.getByLabel('Scale to zero when idle').check();
  await page.getByLabel('Sleep after (minutes idle)').fill('0.5');
  await page.getByRole('alert').filter({ hasText: 'must be a number of minutes from 1 to 1440' }).waitFor();
  await page.getByLabel('Sleep after (minutes idle)').fill('20');
  // Up to two servers, autoscaling between them; scaling to zero is the minimum 0.
  expect(await page.getByLabel('Minimum servers').inputValue()).toBe('0');
  await page.getByLabel('Maximum servers').fill('2');
  // Target concurrency, checked as typed, changed without a redeploy too.
  await page.getByLabel('Target concurrency (requests per server)').fill('0');
  await page.locator('#target_concurrency-error').filter({ hasText: 'must be at least 1' }).waitFor();
  await page.getByLabel('Target concurrency (requests per server)').fill('4');
  await expect.poll(() => page.locator('#target_concurrency-error').count()).toBe(0);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(new RegExp(`/deployments/${deploymentId}$`));
  await page.getByText('after 20 min idle; requests wait up to 10 min while it wakes').waitFor();
  await card(page, 'Replicas').getByTestId('replicas-summary').filter({ hasText: '0 to 2 servers · busy at 4 in flight per server' }).waitFor();
  expect(await settingOf(page, 'Target concurrency')).toBe('4');
  expect(await settingOf(page, 'Replicas')).toBe('0–2');
  expect(await settingOf(page, 'Generation')).toBe('1');
  await expect.poll(() => page.getByTestId('model-name').textContent()).toBe('tiny');
  await page.getByTestId('model-aliases').getByText('claude-*').first().waitFor();
  await page.locator('[data-testid="status"][data-status="running"]').first().waitFor();

  // A model name another deployment answers to is refused (409) on its field, naming that deployment.
  await nav(page, 'Deployments');
  await page.getByRole('link', { name: 'New deployment' }).first().click();
  await page.getByLabel('Name', { exact: true }).fill('clash');
  await page.getByLabel('Model name').fill('tiny');
  await page.getByRole('tab', { name: 'Model store' }).click();
  await page.getByLabel('File in the model store').fill(LIBRARY_MODEL);
  await page.getByLabel('GPUs', { exact: true }).selectOption('0');
  await page.getByRole('button', { name: 'Create deployment' }).click();
  await page.locator('#model_name-error').filter({ hasText: "The model name 'tiny' is already the model name of deployment 'tiny-chat'" }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/deployments/new');

  // The organization endpoint: its base URL copied, the model table, the default deployment chosen.
  await nav(page, 'Endpoint');
  expect(await page.getByTestId('org-openai-base-url').textContent()).toBe(`${endpoint}/v1`);
  expect(await page.getByTestId('org-anthropic-base-url').textContent()).toBe(endpoint);
  await page.getByRole('button', { name: `Copy: ${endpoint}/v1` }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${endpoint}/v1`);
  const modelRow = page.getByTestId('model-row').filter({ hasText: 'tiny-chat' });
  await modelRow.getByRole('cell', { name: 'tiny', exact: true }).waitFor();
  await modelRow.getByText('claude-*').waitFor();
  await modelRow.locator('[data-status="running"]').waitFor();
  await page.getByLabel('Default deployment').selectOption({ label: 'tiny (tiny-chat)' });
  await page.getByRole('button', { name: 'Save default' }).click();
  await page.getByRole('status').filter({ hasText: 'names that match nothing go to this deployment' }).waitFor();
  await modelRow.getByText('Default', { exact: true }).waitFor();
  const examples = card(page, 'Examples');
  await examples.getByRole('tab', { name: 'OpenAI Python' }).click();
  await examples.getByRole('tabpanel').filter({ hasText: `base_url="${endpoint}/v1"` }).filter({ hasText: 'model="tiny"' }).waitFor();
  await screenshot(page, 'endpoint');
  // The names work: Claude Code's background model ids through the glob, the caller's name echoed.
  await expect.poll(() => chat(key, `${endpoint}/v1`, 'claude-haiku-4-5'), { timeout: UI_TIMEOUT_MS }).toEqual({ status: 200, model: 'claude-haiku-4-5' });

  // A key of its own limits: a monthly budget, a rate, and one allowed model; its use shows as a bar.
  await nav(page, 'API keys');
  await page.getByLabel('Name', { exact: true }).fill('budgeted');
  await page.getByLabel('Monthly token budget').fill('100,000');
  await page.getByLabel('Requests per minute').fill('600');
  await page.getByRole('checkbox', { name: /^tiny\b/ }).check();
  await page.getByLabel('Other model names, globs or deployment ids').fill('qwen-*');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.getByRole('status').filter({ hasText: 'Your new key “budgeted”' }).waitFor();
  const budgetedKey = (await page.getByTestId('new-key').textContent())!.trim();
  await expect.poll(() => chat(budgetedKey, `${endpoint}/v1`, 'tiny'), { timeout: UI_TIMEOUT_MS }).toEqual({ status: 200, model: 'tiny' });
  const budgeted = page.getByTestId('key-row').filter({ hasText: 'budgeted' });
  await budgeted.getByText('qwen-*').waitFor();
  await budgeted.getByText('600 / min').waitFor();
  const meter = budgeted.getByRole('meter', { name: 'Token budget this month' });
  await eventually(
    async () => {
      await page.reload();
      return Number(await meter.getAttribute('aria-valuenow')) > 0;
    },
    UI_TIMEOUT_MS,
    "the budgeted key's tokens to show on its bar",
  );
  expect(await meter.getAttribute('aria-valuetext')).toMatch(/^\d+ of 100,000 tokens \(\d+%\)$/);
  await screenshot(page, 'api-keys');

  // Changed in place (PATCH): the rate lifted, two streams at once.
  await budgeted.getByRole('link', { name: 'Edit budgeted' }).click();
  await page.waitForURL(/\/api-keys\/key_[0-9a-z]+$/);
  const keyPage = new URL(page.url()).pathname;
  expect(await page.getByLabel('Monthly token budget').inputValue()).toBe('100000');
  expect(await page.getByRole('checkbox', { name: /^tiny\b/ }).isChecked()).toBe(true);
  await page.getByLabel('Requests per minute').fill('');
  await page.getByLabel('Concurrent streams').fill('2');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.waitForURL(/\/api-keys$/);
  await budgeted.getByText('2 streams').waitFor();
  expect(await budgeted.getByText('600 / min').count()).toBe(0);

  await nav(page, 'Deployments');
  await page.getByTestId('deployment-row').filter({ hasText: 'tiny-chat' }).locator('[data-status="running"]').waitFor();
  await screenshot(page, 'deployments');

  // The playground streams a reply through the gateway, with tokens and latency.
  await page.goto(`/deployments/${deploymentId}/playground`);
  await page.getByLabel('Message').fill('What is the capital of France?');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByTestId('output-tokens').filter({ hasText: /^\d+$/ }).waitFor();
  // The fake llama-server's reply is predictable: an error bubble, or a reply cut short, would not match it.
  const reply = await page.locator('[data-role="assistant"]').last().textContent();
  expect(reply?.trim()).toBe(`This is a reply from ${TINY_CHAT.file.replace(/\.gguf$/, '')} to: What is the capital of France?`);
  await screenshot(page, 'playground');

  // Revoking the key (confirmed) removes it, and the gateway refuses it from then on.
  await nav(page, 'API keys');
  const row = page.getByTestId('key-row').filter({ hasText: 'e2e backend' });
  await row.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
  await row.waitFor({ state: 'detached' });
  await eventually(async () => (await gatewayStatus(key, `${root}/v1`)) === 401, UI_TIMEOUT_MS, 'the gateway to refuse the revoked key');

  await nav(page, 'Usage');
  await page.getByRole('heading', { name: 'Usage' }).waitFor();
  // Each key's table shows whole in its card on a desktop screen.
  expect(await hiddenWidth(card(page, 'By API key').getByRole('table'))).toBe(0);
  await screenshot(page, 'usage');

  // Every page of the journey fits a phone: tables and code scroll inside their cards.
  const tenantPages = ['/deployments', '/deployments/new', `/deployments/${deploymentId}`, `/deployments/${deploymentId}/settings`, `/deployments/${deploymentId}/playground`];
  tenantPages.push('/endpoint', '/api-keys', keyPage, '/usage', '/settings', '/members');
  expect(await pagesWiderThanPhone(browser, page, product.webUrl, tenantPages)).toEqual([]);

  // A tenant cannot see admin pages; the operator sees the node and its GPUs.
  await page.goto('/admin/nodes');
  await page.getByRole('heading', { name: 'Not found' }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('Email').fill(product.adminEmail);
  await page.getByLabel('Password').fill(product.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await nav(page, 'Nodes', 'Admin');
  const node = page.getByTestId('node-name').filter({ hasText: product.nodeName });
  await node.waitFor();
  await page.getByRole('cell', { name: 'tiny-chat' }).waitFor();
  // The process runtime, as `npm start` runs it here, is said not to isolate tenants; the library shows its model.
  const nodeCard = page.locator('section').filter({ has: node }).last();
  expect(await node.getByTestId('node-isolation').getAttribute('data-isolation')).toBe('none');
  await nodeCard.getByTestId('isolation-warning').filter({ hasText: "This node's runtime does not isolate tenants: servers run as plain processes" }).waitFor();
  await nodeCard.getByText(/\d+ CPU cores/).waitFor();
  await nodeCard.getByRole('cell', { name: LIBRARY_MODEL }).waitFor();
  await screenshot(page, 'admin-nodes');

  // The operator registers a remote Docker engine: refused without TLS material, then listed as unreachable
  // until a worker connects, and removed again.
  const pem = (kind: string) => `-----BEGIN ${kind}-----\nMIIB\n-----END ${kind}-----`;
  await page.getByLabel('Name', { exact: true }).fill('gpu-remote');
  await page.getByLabel('Docker endpoint').fill('tcp://127.0.0.1:2376');
  await page.getByLabel('Address gateways dial').fill('127.0.0.1');
  await page.getByLabel('GPUs, one per line as index:type:memory MB').fill('0:NVIDIA L4:23034');
  await page.getByRole('button', { name: 'Register node' }).click();
  await page.getByText('is required for a tcp:// endpoint').waitFor();
  await page.getByLabel('CA certificate').fill(pem('CERTIFICATE'));
  await page.getByLabel('Client certificate').fill(pem('CERTIFICATE'));
  await page.getByLabel('Client key').fill(pem('PRIVATE KEY'));
  await page.getByRole('button', { name: 'Register node' }).click();
  await page.getByRole('status').filter({ hasText: 'gpu-remote is registered' }).waitFor();
  const remote = page.getByTestId('node-name').filter({ hasText: 'gpu-remote' });
  await remote.filter({ hasText: 'unreachable' }).waitFor();
  // Registered with the default network mode, none: sealed, no warning.
  expect(await remote.getByTestId('node-isolation').getAttribute('data-isolation')).toBe('sealed');
  const remoteCard = page.locator('section').filter({ has: remote }).last();
  await remoteCard.getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove node' }).click();
  await remote.waitFor({ state: 'detached' });

  // The operator lets the tenant's organization fall back to the platform's Hugging Face token.
  await nav(page, 'Organizations', 'Admin');
  const tenantOrg = () => page.locator('section').filter({ hasText: 'Analytical Engines' }).last();
  await tenantOrg().getByText('The organization set a token of its own, used first.').waitFor();
  await tenantOrg().getByLabel('May use the platform Hugging Face token').check();
  await eventually(
    async () => {
      await page.reload();
      return tenantOrg().getByLabel('May use the platform Hugging Face token').isChecked();
    },
    UI_TIMEOUT_MS,
    'the platform-token permission to be saved',
  );
  // Every deployment, with the nodes its servers run on.
  await nav(page, 'All deployments', 'Admin');
  await page.getByRole('row').filter({ hasText: 'tiny-chat' }).getByRole('cell', { name: product.nodeName, exact: true }).waitFor();
  const adminPages = ['/admin/nodes', '/admin/deployments', '/admin/organizations', '/admin/users', '/admin/audit-log'];
  expect(await pagesWiderThanPhone(browser, page, product.webUrl, adminPages)).toEqual([]);
}

/** A value of the deployment page's Settings list. */
async function settingOf(page: Page, term: string): Promise<string | null> {
  return card(page, 'Settings').locator('dt', { hasText: new RegExp(`^${term}$`) }).locator('+ dd').textContent();
}

/** The card (a titled section) with this heading. */
function card(page: Page, title: string) {
  return page.locator('section').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
}
