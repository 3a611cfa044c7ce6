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
    await page.getByRole('link', { name: 'Notifications', exact: true }).click();
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

  it('an admin sets the bed-waiting minutes; a value out of range is refused naming the field', async () => {
    const admin = await newUser(browser, api.url);
    const { page } = admin;
    await signIn(page, team.admin.email, `/orgs/${team.orgId}/notifications`);
    const minutes = page.getByLabel('Bed waiting after (minutes)');
    await minutes.waitFor();
    await minutes.fill('45');
    await page.getByRole('button', { name: 'Save bed-waiting time' }).click();
    await page.getByText('A bed is reported waiting after 45 minutes').waitFor();
    const saved = await team.admin.client.get(`/api/orgs/${team.orgId}/notification-settings`);
    expect(saved.body).toEqual({ bedWaitingMinutes: 45 });

    await minutes.fill('0');
    await page.getByRole('button', { name: 'Save bed-waiting time' }).click();
    await page.getByText('bedWaitingMinutes must be a whole number of minutes (1-1440)').first().waitFor();
    await page.reload();
    expect(await page.getByLabel('Bed waiting after (minutes)').inputValue()).toBe('45');
    expect((await team.admin.client.get(`/api/orgs/${team.orgId}/notification-settings`)).body).toEqual({
      bedWaitingMinutes: 45,
    });
    expect(admin.errors.filter((error) => !error.includes('400'))).toEqual([]);
    await admin.context.close();
  });

  it('an operator opening the Notifications address directly gets neither the field nor the settings', async () => {
    const user = await newUser(browser, api.url);
    await signIn(user.page, team.operator.email, `/orgs/${team.orgId}/notifications`);
    await user.page.getByRole('link', { name: 'My notifications' }).waitFor();
    expect(await user.page.getByLabel('Bed waiting after (minutes)').count()).toBe(0);
    expect(await user.page.getByRole('button', { name: 'Save bed-waiting time' }).count()).toBe(0);
    const refused = await team.operator.client.put(`/api/orgs/${team.orgId}/notification-settings`, {
      bedWaitingMinutes: 5,
    });
    expect(refused.status).toBe(403);
    await user.context.close();
  });

  it('operators and viewers get no Notifications page link', async () => {
    for (const member of [team.operator, team.viewer]) {
      const user = await newUser(browser, api.url);
      await signIn(user.page, member.email, `/orgs/${team.orgId}/printers`);
      await user.page.getByRole('link', { name: 'Printers' }).first().waitFor();
      expect(await user.page.getByRole('link', { name: 'Notifications', exact: true }).count()).toBe(0);
      // Their own notifications are theirs to choose, whatever the role.
      expect(await user.page.getByRole('link', { name: 'My notifications' }).count()).toBe(1);
      await user.context.close();
    }
  });

  it('a fleet-limited operator chooses email and push per event, their fleet only, quiet hours and a digest', async () => {
    const user = await newUser(browser, api.url);
    const { page } = user;
    await signIn(page, team.fleetOperator.email, `/orgs/${team.orgId}/printers`);
    await page.getByRole('link', { name: 'My notifications' }).click();
    await page.getByRole('heading', { name: 'My notifications' }).waitFor();
    await page.getByLabel('Email: Print failed').check();
    await page.getByLabel('Push: Failure alert raised').check();
    await page.getByLabel('Urgent: Failure alert raised').check();
    await page.getByLabel('Email: Bed waiting to be cleared').check();
    // Only the fleets this member may read are offered.
    await page.getByLabel('Every fleet I may see').uncheck();
    await page.getByLabel('Fleet A').check();
    expect(await page.getByLabel('Fleet B').count()).toBe(0);
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByLabel(/Quiet hours/).check();
    await page.getByLabel('Quiet from').fill('21:30');
    await page.getByLabel('Daily digest').selectOption('8');
    await page.getByRole('button', { name: 'Save my notifications' }).click();
    await page.getByText('Your notification preferences are saved').waitFor();

    const saved = await team.fleetOperator.client.get(`/api/orgs/${team.orgId}/notification-preferences/me`);
    expect(saved.body).toMatchObject({
      emailEvents: ['print.failed', 'bed.waiting'],
      pushEvents: ['alert.raised'],
      urgentEvents: ['alert.raised'],
      fleetIds: [team.fleetA],
      timeZone: 'Europe/Berlin',
      quietHours: { start: '21:30', end: '07:00' },
      digestHour: 8,
    });
    await screenshot(page, 'my-notifications', true);

    // A bad time zone is refused, naming the field.
    await page.getByLabel('Time zone').fill('Mars/Olympus');
    await page.getByRole('button', { name: 'Save my notifications' }).click();
    await page.getByText('timeZone must be an IANA time zone name').first().waitFor();
    await page.reload();
    expect(await page.getByLabel('Time zone').inputValue()).toBe('Europe/Berlin');
    expect(await page.getByLabel('Email: Print failed').isChecked()).toBe(true);
    expect(user.errors.filter((error) => !error.includes('400'))).toEqual([]);
    await user.context.close();
  });
});
