import { createHmac } from 'node:crypto';
import { createTeam, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';
import type { Browser } from 'playwright-core';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

const SLACK_SECRET = '0123456789abcdef0123456789abcdef';

/** The Chat-ops settings page and the account page's "Link chat account", against the real api. */
describe('chat-ops in the browser', () => {
  let api: ApiHarness;
  let browser: Browser;
  let team: Team;

  beforeAll(async () => {
    ensureWebBuild();
    api = await startApi();
    team = await createTeam(api, 'Chat farm');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  function slackCommand(integrationId: string, userId: string, text: string) {
    const raw = new URLSearchParams({ command: '/farmhand', text, user_id: userId, user_name: 'sam' }).toString();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', SLACK_SECRET).update(`v0:${timestamp}:${raw}`).digest('hex');
    return api.client().request('POST', `/api/chatops/inbound/slack/${integrationId}`, undefined, {
      raw,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': `v0=${signature}`,
      },
    });
  }

  it('an admin adds a Slack integration, sees the URL to paste, narrows its commands and deletes it', async () => {
    const admin = await newUser(browser, api.url);
    const { page } = admin;
    await signIn(page, team.admin.email, `/orgs/${team.orgId}/printers`);
    await page.getByRole('link', { name: 'Chat-ops' }).click();
    await page.getByLabel('Platform').selectOption('slack');
    await page.getByLabel('Name').fill('Hackerspace #printers');
    await page.getByLabel('Signing secret').fill(SLACK_SECRET);
    await page.getByRole('button', { name: 'Add integration' }).click();
    const integration = page.getByRole('list', { name: 'Chat integrations' }).getByRole('listitem');
    await integration.getByText('Hackerspace #printers').waitFor();
    const url = await integration.getByLabel(/Request URL/).inputValue();
    expect(url).toMatch(new RegExp(`^${api.url}/api/chatops/inbound/slack/[0-9a-f-]{36}$`));
    expect(await integration.textContent()).toContain('Allowed: status, pause');
    await screenshot(page, 'chat-ops', true);

    await integration.getByRole('button', { name: 'Edit commands' }).click();
    await integration.getByLabel(/^pause/).uncheck();
    await integration.getByRole('button', { name: 'Save commands' }).click();
    await page.getByText('Hackerspace #printers: allowed commands saved').waitFor();
    await integration.getByText('Allowed: status').waitFor();

    await integration.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete integration' }).click();
    await page.getByText('No chat integrations').waitFor();
    expect(admin.errors).toEqual([]);
    await admin.context.close();
  });

  it('an operator links their Slack account with the code from the account page, then unlinks it', async () => {
    const created = await team.admin.client.post(`/api/orgs/${team.orgId}/chatops/integrations`, {
      platform: 'slack',
      name: 'Shop Slack',
      secret: SLACK_SECRET,
      allowedCommands: ['status'],
    });
    expect(created.status).toBe(201);
    const operator = await newUser(browser, api.url);
    const { page } = operator;
    await signIn(page, team.operator.email, `/orgs/${team.orgId}/account`);
    expect(await page.getByRole('link', { name: 'Chat-ops' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Link chat account' }).click();
    const code = (await page.getByLabel('Link code').textContent())!.trim();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);

    const linked = await slackCommand(created.body.id, 'U-sam', `link ${code}`);
    expect(linked.body.text).toMatch(/^Linked/);
    await page.reload();
    const links = page.getByRole('list', { name: 'Linked chat accounts' });
    await links.getByText('sam').waitFor();
    expect(await links.textContent()).toContain('Shop Slack');
    await links.getByRole('button', { name: 'Unlink' }).click();
    await page.getByText('Chat account unlinked').waitFor();
    expect((await slackCommand(created.body.id, 'U-sam', 'status')).body.text).toMatch(/^Link your account first/);
    expect(operator.errors).toEqual([]);
    await operator.context.close();
  });
});
