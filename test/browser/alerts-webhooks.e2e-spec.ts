import { randomUUID } from 'node:crypto';
import { DetectionChainService, FramesRepository } from '@farmhand/detection';
import { createTeam, insertPrinter, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';
import type { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

/** The alerts and webhooks pages against the real detection chain and webhooks API (no agent, no delivery). */
/** The buttons that decide an alert (the frame is a button too: it opens full size). */
const VERDICT = /^(Acknowledge|Confirm|False alarm)/;

describe('alerts and webhooks in the browser', () => {
  let api: ApiHarness;
  let browser: Browser;
  let team: Team;

  beforeAll(async () => {
    ensureWebBuild();
    api = await startApi({ DETECTION_WARMUP_FRAMES: '0' });
    team = await createTeam(api, 'Alert farm');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /** Scores frames of one print through the detector, as the inference role would: spaghetti raises a warning. */
  async function raiseWarning(printer: { id: string; fleetId: string; name: string }): Promise<void> {
    const dataSource = api.app.get(DataSource);
    const frames = api.app.get(FramesRepository);
    const chain = api.app.get(DetectionChainService);
    const [{ detection }] = await dataSource.query(`SELECT detection FROM printers WHERE id = $1`, [printer.id]);
    const scores = [...Array<number>(40).fill(0.02), ...Array<number>(20).fill(0.98)];
    for (const score of scores) {
      const id = randomUUID();
      const frame = await dataSource.transaction((manager) =>
        frames.insert(manager, {
          id,
          orgId: team.orgId,
          printerId: printer.id,
          printKey: 'print:browser',
          takenAt: new Date(),
          bytes: 1,
          width: 1,
          height: 1,
          storagePath: `${team.orgId}/${printer.id}/x/${id}.jpg`,
        }),
      );
      await chain.onScored(
        {
          frame,
          printer: { id: printer.id, orgId: team.orgId, fleetId: printer.fleetId, name: printer.name, detection },
        },
        score,
        // Where the model saw it (the inference role turns tile scores into these boxes).
        { boxes: score > 0.5 ? [{ x: 0.5, y: 0.25, w: 0.25, h: 0.5, score }] : [] },
      );
    }
  }

  it('an operator acknowledges an alert and marks it a false alarm; confirming asks first', async () => {
    const printer = await insertPrinter(api, team.orgId, team.fleetA, { name: 'Spaghetti-01' });
    await raiseWarning(printer);

    const operator = await newUser(browser, api.url);
    const { page } = operator;
    await signIn(page, team.operator.email, `/orgs/${team.orgId}/alerts`);
    await page.getByRole('link', { name: 'Alerts 1 open' }).waitFor();
    const row = page.getByRole('row', { name: /Spaghetti-01/ });
    await row.getByText('Open', { exact: true }).waitFor();
    // The frame shows where the detector saw it: one box, drawn at its place on the frame.
    await row.getByRole('img', { name: /1 area marked where the detector saw it/ }).waitFor();
    const box = row.getByTestId('alert-box');
    expect(await box.count()).toBe(1);
    expect(await box.getAttribute('style')).toMatch(
      /left: 50(\.00)?%; top: 25(\.00)?%; width: 25(\.00)?%; height: 50(\.00)?%/,
    );
    await screenshot(page, 'alerts');
    // Clicking the frame opens it full size, with its box; Escape closes it.
    await row.getByRole('button', { name: /^Open Webcam frame of Spaghetti-01 .* full size$/ }).click();
    const frameDialog = page.getByRole('dialog', { name: 'Spaghetti-01: the frame that raised the alert' });
    await frameDialog.getByRole('img', { name: /full size$/ }).waitFor();
    expect(await frameDialog.getByTestId('alert-box').count()).toBe(1);
    await page.keyboard.press('Escape');
    await frameDialog.waitFor({ state: 'hidden' });

    await row.getByRole('button', { name: 'Confirm failure on Spaghetti-01' }).click();
    await page.getByRole('dialog', { name: 'Confirm the failure on Spaghetti-01?' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel', exact: true }).click();

    await row.getByRole('button', { name: 'Acknowledge alert on Spaghetti-01' }).click();
    await page.getByText('Spaghetti-01: alert acknowledged').waitFor();
    // Open alerts only: the acknowledged one left the list and the badge.
    await page.getByText('No alerts').waitFor();
    await page.getByRole('link', { name: 'Alerts', exact: true }).waitFor();
    await page.getByRole('button', { name: 'All', exact: true }).click();
    await row.getByText('Acknowledged', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'False alarm on Spaghetti-01' }).click();
    await row.getByText('False alarm', { exact: true }).waitFor();
    expect(await row.getByRole('button', { name: VERDICT }).count()).toBe(0);

    // The printer's page lists it too.
    await page.getByRole('link', { name: 'Spaghetti-01', exact: true }).click();
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    await page.getByRole('cell', { name: 'False alarm' }).waitFor();

    // A viewer reads alerts without any button to decide them.
    const viewer = await newUser(browser, api.url);
    await signIn(viewer.page, team.viewer.email, `/orgs/${team.orgId}/alerts`);
    await viewer.page.getByRole('button', { name: 'All', exact: true }).click();
    await viewer.page.getByRole('row', { name: /Spaghetti-01/ }).waitFor();
    expect(
      await viewer.page
        .getByRole('row', { name: /Spaghetti-01/ })
        .getByRole('button', { name: VERDICT })
        .count(),
    ).toBe(0);
    expect(await viewer.page.getByRole('link', { name: 'Webhooks' }).count()).toBe(0);

    expect(operator.errors).toEqual([]);
    expect(viewer.errors).toEqual([]);
    await Promise.all([operator.context.close(), viewer.context.close()]);
  });

  it('an admin adds a webhook (secret shown once), disables it, sends a test, reads its deliveries and deletes it', async () => {
    const admin = await newUser(browser, api.url);
    const { page } = admin;
    await signIn(page, team.admin.email, `/orgs/${team.orgId}/printers`);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByLabel('Endpoint URL').fill('https://hooks.example.com/farmhand');
    await page.getByLabel('Description (optional)').fill('Shop floor chat');
    await page.getByLabel(/^Print done/).check();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    expect(await page.getByLabel('Signing secret of the new webhook').inputValue()).not.toBe('');
    const row = page.getByRole('row', { name: /hooks\.example\.com/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('print.done');
    await screenshot(page, 'webhooks', true);

    await row.getByRole('button', { name: 'Disable' }).click();
    await page.getByText('https://hooks.example.com/farmhand disabled').waitFor();
    await row.getByText('Off', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Enable', exact: true }).click();
    await page.getByText('https://hooks.example.com/farmhand enabled').waitFor();
    await row.getByText('On', { exact: true }).waitFor();

    await row.getByRole('button', { name: 'Send test' }).click();
    await page.getByText('A test event is on its way').waitFor();
    await row.getByRole('button', { name: 'Deliveries' }).click();
    const deliveries = page.getByRole('dialog', { name: 'Deliveries to https://hooks.example.com/farmhand' });
    await deliveries.getByRole('cell', { name: 'webhook.test' }).waitFor();
    await deliveries.getByRole('button', { name: 'Close' }).click();

    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete webhook' }).click();
    await page.getByText('No webhooks').waitFor();

    expect(admin.errors).toEqual([]);
    await admin.context.close();
  });
});
