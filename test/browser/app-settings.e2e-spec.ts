import { TEST_PASSWORD, createTeam, signUpUser, type Team } from '@farmhand/factories';
import { WEBHOOK_EVENTS } from '@farmhand/notifications';
import { startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import type { Browser, Page } from 'playwright-core';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

const background = (page: Page) =>
  page.evaluate(() => {
    const scope = globalThis as unknown as {
      getComputedStyle(element: unknown): { backgroundColor: string };
      document: { body: unknown };
    };
    return scope.getComputedStyle(scope.document.body).backgroundColor;
  });

/** The rest of a real app: dark mode (system and toggle), a "not found" page, an empty farm pointing to enrollment. */
describe('the app around the pages', () => {
  let api: ApiHarness;
  let browser: Browser;
  let team: Team;

  beforeAll(async () => {
    ensureWebBuild();
    api = await startApi();
    team = await createTeam(api, 'Night farm');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('follows a dark system theme, and the toggle overrides it across reloads', async () => {
    const user = await newUser(browser, api.url);
    const { page } = user;
    await page.emulateMedia({ colorScheme: 'dark' });
    await signIn(page, team.operator.email, `/orgs/${team.orgId}/printers`);
    await page.getByRole('article', { name: 'Night farm A1' }).waitFor();
    expect(await background(page)).toBe('rgb(15, 21, 28)');
    await screenshot(page, 'printers-dark');

    await page.getByRole('button', { name: /^Colour theme: System/ }).click();
    await waitFor(async () => (await background(page)) === 'rgb(243, 244, 246)', 'light despite the dark system');
    await page.reload();
    await page.getByRole('article', { name: 'Night farm A1' }).waitFor();
    expect(await background(page)).toBe('rgb(243, 244, 246)');
    await page.getByRole('button', { name: /^Colour theme: Light/ }).click();
    await waitFor(async () => (await background(page)) === 'rgb(15, 21, 28)', 'dark chosen');
    expect(user.errors).toEqual([]);
    await user.context.close();
  });

  it('a link that leads nowhere says so, inside and outside an organization; an empty farm points to enrollment', async () => {
    const user = await newUser(browser, api.url);
    const { page } = user;
    await signIn(page, team.admin.email, `/orgs/${team.orgId}/no-such-page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(page.url()).toContain('/no-such-page');
    await page.goto('/nowhere/<script>');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(await page.locator('code').textContent()).toBe('/nowhere/%3Cscript%3E');

    const fresh = await signUpUser(api, { organizationName: 'Empty farm' });
    const newcomer = await newUser(browser, api.url);
    await signIn(newcomer.page, fresh.email, `/orgs/${fresh.orgId}/printers`);
    await newcomer.page.getByRole('link', { name: 'Enroll printers' }).first().click();
    await newcomer.page.waitForURL(`**/orgs/${fresh.orgId}/enrollment`);
    expect(user.errors).toEqual([]);
    expect(newcomer.errors).toEqual([]);
    await Promise.all([user.context.close(), newcomer.context.close()]);
  });

  it('a viewer meets one Forbidden page with a link back on every page the role cannot open, and sees settings as read-only text', async () => {
    const user = await newUser(browser, api.url);
    const { page } = user;
    await signIn(page, team.viewer.email, `/orgs/${team.orgId}/printers`);
    await page.getByRole('article', { name: 'Night farm A1' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Sections' });
    expect(await nav.getByRole('link', { name: 'API keys' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Audit log' }).count()).toBe(0);

    for (const [path, what] of [
      ['audit', 'the audit log'],
      ['webhooks', 'the webhooks'],
      ['api-keys', 'the API keys'],
      ['enrollment', 'printer enrollment'],
    ] as const) {
      await page.goto(`/orgs/${team.orgId}/${path}`);
      await page.getByRole('heading', { name: `You cannot open ${what}` }).waitFor();
      expect(await page.getByTestId('forbidden').textContent()).toContain('viewer');
    }
    await screenshot(page, 'forbidden');
    await page.getByRole('link', { name: 'Back to the printers' }).click();
    await page.waitForURL(`**/orgs/${team.orgId}/printers`);

    await page.goto(`/orgs/${team.orgId}/printers/${team.printerA.id}`);
    await page.getByText('Read only: your role can see these settings but not change them.').first().waitFor();
    const name = page.getByLabel('Name', { exact: true });
    expect(await name.isDisabled()).toBe(true);
    expect(await name.inputValue()).toBe('Night farm A1');
    const look = await name.evaluate((element) => {
      const style = (
        globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }
      ).getComputedStyle(element);
      return { border: style.borderTopColor, background: style.backgroundColor };
    });
    expect(look).toEqual({ border: 'rgba(0, 0, 0, 0)', background: 'rgba(0, 0, 0, 0)' });
    expect(await page.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
    await screenshot(page, 'printer-settings-read-only', true);
    expect(user.errors).toEqual([]);
    await user.context.close();
  });

  it('audit rows name the printer and the member, give the second, and say the actor once; API keys have their own page', async () => {
    const renamed = await team.admin.client.patch(`/api/orgs/${team.orgId}/printers/${team.printerA.id}`, {
      model: 'Prusa MK4',
    });
    expect(renamed.status).toBe(200);
    const user = await newUser(browser, api.url);
    const { page } = user;
    await signIn(page, team.admin.email, `/orgs/${team.orgId}/printers`);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'API keys' }).click();
    await page.waitForURL(`**/orgs/${team.orgId}/api-keys`);
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Team' }).click();
    await page.waitForURL(`**/orgs/${team.orgId}/team`);
    await page.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
    expect(await page.getByRole('heading', { name: 'API keys' }).count()).toBe(0);

    await page.goto(`/orgs/${team.orgId}/audit`);
    const row = page.getByRole('row').filter({ hasText: 'Night farm A1' }).first();
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells[0]).toMatch(/\d{1,2}:\d{2}:\d{2}/);
    expect(cells[1]).toBe('Test User');
    expect(await row.getByRole('cell').nth(1).locator('[title]').getAttribute('title')).toBe(team.admin.email);
    expect(cells[3]).toBe('Printer Night farm A1');
    expect(cells.join(' ')).not.toContain(team.printerA.id.slice(0, 8));
    await page.getByRole('row').filter({ hasText: 'fleet.created' }).filter({ hasText: 'Fleet Fleet A' }).waitFor();
    await screenshot(page, 'audit-names');
    expect(user.errors).toEqual([]);
    await user.context.close();
  });

  it('the webhook form keeps its event labels apart at phone and desktop width', async () => {
    for (const viewport of [
      { width: 390, height: 844 },
      { width: 1280, height: 900 },
    ]) {
      const user = await newUser(browser, api.url, viewport);
      const { page } = user;
      await signIn(page, team.admin.email, `/orgs/${team.orgId}/webhooks`);
      const boxes = page.locator('.checkbox-grid label');
      await boxes.first().waitFor();
      const rects = await boxes.evaluateAll((labels) =>
        labels.map((label) => {
          const { left, right, top, bottom } = (
            label as unknown as {
              getBoundingClientRect(): { left: number; right: number; top: number; bottom: number };
            }
          ).getBoundingClientRect();
          return { left, right, top, bottom };
        }),
      );
      expect(rects.length).toBe(WEBHOOK_EVENTS.length); // one per webhook event
      for (const [index, a] of rects.entries()) {
        expect(a.right).toBeLessThanOrEqual(viewport.width);
        for (const b of rects.slice(index + 1)) {
          const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
          expect({ a, b, apart }).toEqual({ a, b, apart: true });
        }
      }
      // Each label's text stays inside its own box (a long event code wraps instead of running into the next label).
      const overflow = await boxes.evaluateAll(
        (labels) =>
          labels.filter((label) => {
            const element = label as unknown as { scrollWidth: number; clientWidth: number };
            return element.scrollWidth > element.clientWidth + 1;
          }).length,
      );
      expect(overflow).toBe(0);
      await screenshot(page, `webhooks-form-${viewport.width}`);
      expect(user.errors).toEqual([]);
      await user.context.close();
    }
  });
  it('a member renames themself and changes their password on the account page; the old password stops working', async () => {
    const user = await newUser(browser, api.url, { width: 390, height: 844 });
    const { page } = user;
    await signIn(page, team.viewer.email, `/orgs/${team.orgId}/printers`);
    await page.getByRole('link', { name: 'Account' }).click();
    await page.waitForURL(`**/orgs/${team.orgId}/account`);
    expect(await page.getByLabel('Email').getAttribute('readonly')).not.toBeNull();
    await page.getByLabel('Display name').fill('Vera Viewer <b>');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByText('Your name is now Vera Viewer <b>').waitFor();

    await page.getByLabel('Current password').fill('not my password at all');
    await page.getByLabel('New password', { exact: true }).fill('violet kestrel harbour 42 lantern');
    await page.getByLabel('Repeat the new password').fill('violet kestrel harbour 42 lantern');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The current password is wrong').waitFor();
    await page.getByLabel('Current password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText(/^Password changed/).waitFor();
    await screenshot(page, 'account-phone', true);

    const old = await api.client().post('/api/auth/sign-in', { email: team.viewer.email, password: TEST_PASSWORD });
    expect(old.status).toBe(401);
    expect(user.errors).toEqual([]);
    await user.context.close();
  });
});
