import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_PASSWORD } from '@farmhand/factories';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const ROOT = join(__dirname, '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'test', 'artifacts');

/** Flags for a quiet, sandbox-free Chromium in CI containers: no GPU, no background traffic, no first-run UI. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** The api serves apps/web/dist; build it once when a test runs without a build (the test command builds first). */
export function ensureWebBuild(): void {
  if (existsSync(join(ROOT, 'apps', 'web', 'dist', 'index.html'))) return;
  execFileSync('npx', ['vite', 'build', '--config', 'apps/web/vite.config.mts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** Debian's chromium package; playwright gives every launch a fresh temporary profile (user-data dir). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** One browser profile per person (its own cookies), tablet-sized unless told otherwise. */
export async function newUser(
  browser: Browser,
  baseURL: string,
  viewport = { width: 1366, height: 900 },
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL, viewport, locale: 'en-GB', timezoneId: 'UTC' });
  const page = await context.newPage();
  const errors: string[] = [];
  // Any CSP violation, uncaught error or server error fails the scenario; 4xx answers are the API refusing, which
  // the page shows to the user.
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) return;
    errors.push(message.text());
  });
  return { context, page, errors };
}

/**
 * The screenshots the README and docs embed: artifact name -> file name under docs/images/. With
 * FARMHAND_README_SCREENSHOTS=1 the specs that take them refresh those files too (opt-in, so that running the tests
 * never changes a tracked file).
 */
export const DOCS_IMAGES: Readonly<Record<string, string>> = {
  'printers-attention': 'attention-grid',
  'bed-clear-phone': 'bed-clear-phone',
  'printers-dark': 'dark-mode',
  'printers-list': 'printers-list',
  'keyboard-shortcuts': 'keyboard-shortcuts',
  'print-on-selected-printers': 'print-on-selected-printers',
  'organization-settings': 'organization-settings',
};

export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  const docsName = DOCS_IMAGES[name];
  if (docsName && process.env.FARMHAND_README_SCREENSHOTS === '1') {
    mkdirSync(join(ROOT, 'docs', 'images'), { recursive: true });
    copyFileSync(path, join(ROOT, 'docs', 'images', `${docsName}.png`));
  }
}

/** Fills the sign-up form (reached from the sign-in page or an invitation) and submits it. */
export async function signUp(page: Page, name: string, email: string, organization?: string): Promise<void> {
  await page.getByLabel('Name', { exact: true }).fill(name);
  if (!(await page.getByLabel('Email').inputValue())) await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  const create = page.getByLabel('Create an organization for my print farm');
  if (organization) {
    await create.check();
    await page.getByLabel('Organization name').fill(organization);
  } else await create.uncheck();
  await page.getByRole('button', { name: 'Create account' }).click();
}

/** Signs in as someone with the tests' password, starting from a page that needs a session (`next`). */
export async function signIn(page: Page, email: string, next: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto(next);
  await page.waitForURL('**/sign-in?next=*');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`**${next}`);
}
