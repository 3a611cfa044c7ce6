import { TEST_PASSWORD, createTeam, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';
import type { Browser, Page } from 'playwright-core';
import { waitFor } from '../agents/agent-harness';
import { uploadGcode } from '../jobs/queue-helpers';
import { ensureWebBuild, launchBrowser, newUser, screenshot } from './browser-harness';

async function signIn(page: Page, email: string, next: string): Promise<void> {
  await page.goto(next);
  await page.waitForURL('**/sign-in?next=*');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`**${next}`);
}

/** Polls until the queue shows `expected`, in order. */
async function queueIs(page: Page, expected: string[]): Promise<void> {
  await waitFor(
    async () => JSON.stringify(await queueOrder(page)) === JSON.stringify(expected),
    `queue order ${expected.join(', ')}`,
  );
}

const focusedLabel = (page: Page) => page.locator(':focus').getAttribute('aria-label', { timeout: 1_000 });

const queueOrder = (page: Page) =>
  page
    .getByRole('list', { name: 'Print queue, in the order printers take jobs' })
    .locator('> li .strong')
    .allTextContents();

/** The queue page without printers: order by keyboard, hold and release, cancel, and what a viewer is not offered. */
describe('the queue page', () => {
  let api: ApiHarness;
  let browser: Browser;
  let team: Team;

  beforeAll(async () => {
    ensureWebBuild();
    api = await startApi();
    team = await createTeam(api, 'Queue farm');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('an operator reorders jobs with the keyboard, holds, releases and cancels one; a viewer sees the queue without controls', async () => {
    for (const name of ['first.gcode', 'second.gcode', 'third.gcode']) {
      const file = await uploadGcode(team.operator.client, team.orgId, { salt: name }, name);
      const job = await team.operator.client.post(`/api/orgs/${team.orgId}/jobs`, {
        fileId: file.id,
        copies: 2,
      });
      expect(job.status).toBe(201);
    }

    const operator = await newUser(browser, api.url, { width: 800, height: 1180 });
    const { page } = operator;
    await signIn(page, team.operator.email, `/orgs/${team.orgId}/queue`);
    await page.getByRole('listitem', { name: 'third.gcode' }).waitFor();
    expect(await queueOrder(page)).toEqual(['first.gcode', 'second.gcode', 'third.gcode']);

    // Keyboard only: focus "move up" of the third job and press Enter twice; focus stays on the moved job.
    await page.getByRole('button', { name: 'Move third.gcode up' }).focus();
    await page.keyboard.press('Enter');
    await queueIs(page, ['first.gcode', 'third.gcode', 'second.gcode']);
    await waitFor(async () => (await focusedLabel(page)) === 'Move third.gcode up', 'focus on the moved job');
    await page.keyboard.press('Enter');
    await queueIs(page, ['third.gcode', 'first.gcode', 'second.gcode']);
    // At the top "up" is disabled, so the focus is on "down": Enter moves it back.
    expect(await page.getByRole('button', { name: 'Move third.gcode up' }).isDisabled()).toBe(true);
    await waitFor(async () => (await focusedLabel(page)) === 'Move third.gcode down', 'focus on "down"');
    await page.keyboard.press('Enter');
    await queueIs(page, ['first.gcode', 'third.gcode', 'second.gcode']);

    // Hold and release.
    const second = page.getByRole('listitem', { name: 'second.gcode' });
    await second.getByRole('button', { name: 'Hold' }).click();
    await second.getByText('On hold').waitFor();
    await second.getByRole('button', { name: 'Release' }).click();
    await second.getByText('Queued', { exact: true }).waitFor();

    // The copies of a job, then cancel it after a confirmation.
    await second.getByRole('button', { name: 'Copies' }).click();
    const copies = second.getByRole('list', { name: 'Copies' }).getByRole('listitem');
    await copies.nth(1).waitFor();
    expect(await copies.allTextContents()).toEqual(['#1 Queued', '#2 Queued']);
    await screenshot(page, 'queue-tablet', true);
    await second.getByRole('button', { name: 'Cancel job' }).click();
    await page
      .getByRole('dialog', { name: 'Cancel second.gcode?' })
      .getByRole('button', { name: 'Cancel job' })
      .click();
    await page.getByRole('listitem', { name: 'second.gcode' }).waitFor({ state: 'detached' });
    expect(await queueOrder(page)).toEqual(['first.gcode', 'third.gcode']);

    // A file that unfinished jobs print cannot be deleted: the page says why.
    await page.getByRole('button', { name: 'Delete first.gcode' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete file' }).click();
    await page.getByRole('alert').filter({ hasText: 'first.gcode:' }).waitFor();

    // A viewer reads the queue and the library, with nothing to act with.
    const viewer = await newUser(browser, api.url);
    await signIn(viewer.page, team.viewer.email, `/orgs/${team.orgId}/queue`);
    await viewer.page.getByRole('listitem', { name: 'third.gcode' }).waitFor();
    expect(await viewer.page.getByRole('button', { name: /Move|Hold|Cancel job|New job|Queue |Delete / }).count()).toBe(
      0,
    );
    expect(await viewer.page.getByLabel('Upload G-code').count()).toBe(0);

    expect(operator.errors).toEqual([]);
    expect(viewer.errors).toEqual([]);
    await Promise.all([operator.context.close(), viewer.context.close()]);
  });
});
