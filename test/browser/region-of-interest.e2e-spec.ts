import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTeam, issueAgentCredential, type Team } from '@farmhand/factories';
import { startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import type { Browser, Page } from 'playwright-core';
import { jpegFrame, postFrame } from '../detection/frame-images';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

/** Issue 12 point 7: the region of interest is drawn over the latest snapshot, with the mouse or the keyboard. */
describe('region of interest in the browser', () => {
  let api: ApiHarness;
  let browser: Browser;
  let team: Team;
  let dataDir: string;

  beforeAll(async () => {
    ensureWebBuild();
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-roi-'));
    api = await startApi({ DATA_DIR: dataDir });
    team = await createTeam(api, 'Region farm');
    browser = await launchBrowser();
    // The printer's latest snapshot, as its agent uploads it.
    const credential = await issueAgentCredential(api, team.printerA);
    expect((await postFrame(api.url, credential, await jpegFrame(320, 240))).status).toBeLessThan(300);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const stored = async () =>
    ((await team.operator.client.get(`/api/orgs/${team.orgId}/printers/${team.printerA.id}`)).body.detection
      .regionOfInterest ?? null) as { x: number; y: number; width: number; height: number } | null;

  /** The region the editor announces (its accessible name), in percent, or null for the whole frame. */
  async function shown(page: Page): Promise<number[] | null> {
    const label = await page.getByRole('application').getAttribute('aria-label');
    const match = /left ([\d.]+)%, top ([\d.]+)%, width ([\d.]+)%, height ([\d.]+)%/.exec(label ?? '');
    return match ? match.slice(1).map(Number) : null;
  }

  const near = (actual: number[] | null, expected: number[]) =>
    actual !== null && actual.every((value, index) => Math.abs(value - expected[index]!) <= 0.6);

  it('an operator drags a rectangle, nudges it with the keyboard, sees the preview, saves, and goes back to the whole frame', async () => {
    const { page, errors } = await newUser(browser, api.url);
    await signIn(page, team.operator.email, `/orgs/${team.orgId}/printers/${team.printerA.id}`);
    await page
      .getByRole('application', { name: /Region of interest on the latest snapshot: the whole frame/ })
      .waitFor();
    const editor = page.getByRole('application', { name: /Region of interest on the latest snapshot/ });
    await editor.locator('img').waitFor();

    await editor.scrollIntoViewIfNeeded();
    const box = (await editor.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6, { steps: 4 });
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.8, { steps: 4 });
    await page.mouse.up();
    await waitFor(async () => near(await shown(page), [20, 30, 50, 50]), 'the dragged region');
    await page.getByRole('img', { name: /What the detector sees of .*left .*stretched to its square input/ }).waitFor();

    // Keyboard: two steps right, one step taller.
    const before = (await shown(page))!;
    await editor.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    await waitFor(
      async () => near(await shown(page), [before[0]! + 2, before[1]!, before[2]!, before[3]! + 1]),
      'the region moved and resized',
    );
    await screenshot(page, 'region-of-interest');

    await page.getByRole('button', { name: 'Save detection settings' }).click();
    await page.getByText('Detection settings saved').waitFor();
    const saved = (await stored())!;
    expect(
      near(
        [saved.x, saved.y, saved.width, saved.height].map((value) => value * 100),
        [22, 30, 50, 51],
      ),
    ).toBe(true);

    await editor.focus();
    await page.keyboard.press('Delete');
    await page.getByRole('application', { name: /the whole frame/ }).waitFor();
    await page.getByRole('button', { name: 'Save detection settings' }).click();
    await waitFor(async () => (await stored()) === null, 'the whole frame saved');
    expect(errors).toEqual([]);
  });

  it('viewer sees the region but cannot draw or save one', async () => {
    const { page } = await newUser(browser, api.url);
    await signIn(page, team.viewer.email, `/orgs/${team.orgId}/printers/${team.printerA.id}`);
    const editor = page.getByRole('application', { name: /Region of interest on the latest snapshot/ });
    await editor.waitFor();
    await editor.scrollIntoViewIfNeeded();
    const box = (await editor.boundingBox())!;
    await page.mouse.move(box.x + 10, box.y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    expect(await page.getByTestId('roi-box').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save detection settings' }).count()).toBe(0);
    expect(await stored()).toBeNull();
  });
});
