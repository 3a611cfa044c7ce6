import { createTeam, type Team, uploadGcode } from '@farmhand/factories';
import { startApi, type ApiHarness, waitFor } from '@farmhand/testing';
import type { Browser, Page } from 'playwright-core';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

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

  it('a job created, held and deleted through the API shows on an open queue page without a reload, refetched on the socket hint', async () => {
    const operator = await newUser(browser, api.url);
    const { page } = operator;
    // What the page hears on its /dashboard socket and what it asks the API, in order.
    const seen: string[] = [];
    page.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => {
        if (String(payload).includes('"org.events"')) seen.push('org.events');
      }),
    );
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === `/api/orgs/${team.orgId}/jobs`) seen.push('GET jobs');
    });
    await signIn(page, team.operator.email, `/orgs/${team.orgId}/queue`);
    await page.getByRole('heading', { name: /^Queue \(/ }).waitFor();
    let navigations = 0;
    page.on('framenavigated', () => navigations++);

    const file = await uploadGcode(team.admin.client, team.orgId, { salt: 'live' }, 'live.gcode');
    const created = await team.admin.client.post(`/api/orgs/${team.orgId}/jobs`, { fileId: file.id, copies: 3 });
    expect(created.status).toBe(201);
    const job = page.getByRole('listitem', { name: 'live.gcode' });
    await job.getByText('3 queued').waitFor();
    // The refetch that showed it followed a hint of the socket.
    const hint = seen.indexOf('org.events');
    expect(hint).toBeGreaterThanOrEqual(0);
    expect(seen.indexOf('GET jobs', hint)).toBeGreaterThan(hint);

    expect((await team.admin.client.post(`/api/orgs/${team.orgId}/jobs/${created.body.id}/hold`, {})).status).toBe(200);
    await job.getByText('On hold').waitFor();

    expect((await team.admin.client.delete(`/api/orgs/${team.orgId}/jobs/${created.body.id}`)).status).toBe(204);
    await job.waitFor({ state: 'detached' });

    expect(navigations).toBe(0);
    expect(operator.errors).toEqual([]);
    await operator.context.close();
  });
});
