import { createTeam, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';
import type { Browser } from 'playwright-core';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

const TELEGRAM_TOKEN = '123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0';

/** The organization's Notifications page against the real channels API (no worker: nothing is sent). */
describe('notification channels in the browser', () => {
  let api: ApiHarness;
  let browser: Browser;
  let team: Team;

  beforeAll(async () => {
    ensureWebBuild();
    api = await startApi({});
    team = await createTeam(api, 'Notify farm');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('an admin adds a Telegram channel (the token never shown again), tests it, reads its log and deletes it', async () => {
    const admin = await newUser(browser, api.url);
    const { page } = admin;
    await signIn(page, team.admin.email, `/orgs/${team.orgId}/printers`);
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.getByLabel('Kind').selectOption('telegram');
    await page.getByLabel('Name').fill('Farm group');
    await page.getByLabel('Bot token').fill(TELEGRAM_TOKEN);
    await page.getByLabel('Chat id').fill('-1001234');
    await page.getByRole('button', { name: 'Add channel' }).click();
    await page.getByText('Added Farm group').waitFor();
    const row = page.getByRole('row', { name: /Farm group/ });
    await row.getByText('Telegram chat -1001234').waitFor();
    expect(await page.content()).not.toContain(TELEGRAM_TOKEN);
    expect(await page.getByLabel('Bot token').inputValue()).toBe('');
    await screenshot(page, 'notifications', true);

    await row.getByRole('button', { name: 'Send test' }).click();
    await page.getByText('A test notification is on its way to Farm group').waitFor();
    await row.getByRole('button', { name: 'Deliveries' }).click();
    const deliveries = page.getByRole('dialog', { name: 'Deliveries to Farm group' });
    await deliveries.getByRole('cell', { name: 'channel.test' }).waitFor();
    await deliveries.getByRole('button', { name: 'Close' }).click();

    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete channel' }).click();
    await page.getByText('No notification channels').waitFor();
    expect(admin.errors).toEqual([]);
    await admin.context.close();
  });

  it('operators and viewers get no Notifications page link', async () => {
    for (const member of [team.operator, team.viewer]) {
      const user = await newUser(browser, api.url);
      await signIn(user.page, member.email, `/orgs/${team.orgId}/printers`);
      await user.page.getByRole('link', { name: 'Printers' }).first().waitFor();
      expect(await user.page.getByRole('link', { name: 'Notifications' }).count()).toBe(0);
      await user.context.close();
    }
  });
});
