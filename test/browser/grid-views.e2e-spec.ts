import { EventEmitter2 } from '@nestjs/event-emitter';
import { DashboardPublisher } from '@farmhand/dashboard';
import { createTeam, insertPrinter, type Team } from '@farmhand/factories';
import type { Status } from '@farmhand/protocol';
import { startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

const names = (page: Page) => page.getByRole('list', { name: 'Printers' }).locator('.printer-name').allTextContents();

function printing(timeLeft: number | null, overrides: Partial<Status> = {}): Status {
  return {
    state: 'printing',
    stateText: 'Printing',
    backend: 'ok',
    temperatures: { tool0: { actual: 215, target: 215 }, bed: { actual: 60, target: 60 } },
    job: { fileName: 'bracket.gcode' },
    progress: 42,
    printTime: 600,
    printTimeLeft: timeLeft,
    z: 2,
    error: null,
    sentAt: Date.now(),
    ...overrides,
  };
}

/**
 * A grid that scales: sorting, the dense list, saved views kept by the server, keyboard shortcuts, the finish time
 * of day, and a card's snapshot opened full size.
 */
describe('the printers grid: sort, list view, saved views, shortcuts', () => {
  let api: ApiHarness;
  let browser: Browser;
  let team: Team;
  let dataDir: string;
  // name -> [time left in seconds, failure score]; the team's own A1/B1 stay offline.
  const farm: Record<string, [number | null, number | null]> = {
    'Grid 10': [3_600, 0.1],
    'Grid 2': [600, 0.8],
    'Grid 3': [7_200, 0.4],
    'Grid 4': [null, null],
  };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ensureWebBuild();
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-grid-'));
    api = await startApi({ DATA_DIR: dataDir });
    team = await createTeam(api, 'Grid farm');
    browser = await launchBrowser();
    const events = api.app.get(EventEmitter2);
    const publisher = api.app.get(DashboardPublisher);
    for (const [name, [timeLeft, score]] of Object.entries(farm)) {
      const printer = await insertPrinter(api, team.orgId, team.fleetA, { name });
      ids[name] = printer.id;
      events.emit('printer.online', { orgId: team.orgId, printerId: printer.id });
      events.emit('printer.status', {
        orgId: team.orgId,
        printerId: printer.id,
        status:
          timeLeft === null
            ? printing(null, { state: 'operational', stateText: 'Operational', job: null, progress: null })
            : printing(timeLeft),
      });
      if (score !== null) publisher.publishPrinterPatch(team.orgId, printer.id, { failureScore: score });
    }
    // A real webcam frame on Grid 2: its card shows it, and it opens full size.
    const frameId = randomUUID();
    const path = `${team.orgId}/${ids['Grid 2']}/browser/${frameId}.jpg`;
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
      .jpeg()
      .toBuffer();
    await mkdir(join(dataDir, 'frames', team.orgId, ids['Grid 2']!, 'browser'), { recursive: true });
    await writeFile(join(dataDir, 'frames', path), jpeg);
    const takenAt = new Date();
    await api.app.get(DataSource).query(
      `INSERT INTO detection_frames (id, org_id, printer_id, taken_at, bytes, width, height, storage_path)
         VALUES ($1, $2, $3, $4, $5, 64, 48, $6)`,
      [frameId, team.orgId, ids['Grid 2'], takenAt, jpeg.length, path],
    );
    publisher.publishPrinterPatch(team.orgId, ids['Grid 2']!, { snapshotAt: takenAt.toISOString() });
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('sorts by time left, risk and name; shows when prints end; switches to the dense list', async () => {
    const { page, errors } = await newUser(browser, api.url, { width: 1366, height: 900 });
    await signIn(page, team.operator.email, `/orgs/${team.orgId}/printers`);
    await waitFor(async () => (await names(page)).length === 6, 'six printers');
    const sort = page.getByLabel('Sort');

    await sort.selectOption('time');
    // The print that ends first leads; nothing printing last (by name).
    await waitFor(async () => (await names(page))[0] === 'Grid 2', 'sorted by time left');
    expect(await names(page)).toEqual(['Grid 2', 'Grid 10', 'Grid 3', 'Grid 4', 'Grid farm A1', 'Grid farm B1']);
    expect(page.url()).toContain('sort=time');
    // Ten minutes left, and the time of day it ends (the browser runs in UTC), with the weekday when that is tomorrow.
    const card = page.getByRole('article', { name: 'Grid 2' });
    expect(await card.locator('.job-meta').textContent()).toMatch(/10m left · ends (\w{3} )?\d\d:\d\d/);

    await sort.selectOption('risk');
    await waitFor(async () => (await names(page))[0] === 'Grid 2', 'sorted by risk');
    expect((await names(page)).slice(0, 3)).toEqual(['Grid 2', 'Grid 3', 'Grid 10']);

    await sort.selectOption('name');
    // Numbers in names compare as numbers.
    await waitFor(async () => (await names(page))[1] === 'Grid 3', 'sorted by name');
    expect(await names(page)).toEqual(['Grid 2', 'Grid 3', 'Grid 4', 'Grid 10', 'Grid farm A1', 'Grid farm B1']);

    await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'List' }).click();
    await page.locator('.list-row.printer-row').first().waitFor();
    expect(page.url()).toContain('view=list');
    expect(await names(page)).toEqual(['Grid 2', 'Grid 3', 'Grid 4', 'Grid 10', 'Grid farm A1', 'Grid farm B1']);
    const row = page.getByRole('article', { name: 'Grid 2' });
    expect(await row.locator('.list-time').textContent()).toMatch(/^10m · \d\d:\d\d$/);
    await screenshot(page, 'printers-list');
    expect(errors).toEqual([]);
  });

  it('saved views round trip: saved on the server, applied from the menu after a reload, deleted; private to each person', async () => {
    const { page, errors } = await newUser(browser, api.url);
    await signIn(page, team.operator.email, `/orgs/${team.orgId}/printers?sort=time&view=list`);
    await page.locator('.list-row.printer-row').first().waitFor();
    await page.getByRole('button', { name: 'Save view' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save this view' });
    await dialog.getByLabel('Name').fill('Ending soon');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('View “Ending soon” saved').waitFor();

    // Elsewhere, after a reload: the view comes from the server and puts the sort and the list back.
    await page.goto(`/orgs/${team.orgId}/printers?sort=name`);
    await waitFor(async () => (await names(page))[1] === 'Grid 3', 'cards by name');
    await page.getByRole('combobox', { name: 'Saved view', exact: true }).selectOption({ label: 'Ending soon' });
    await page.locator('.list-row.printer-row').first().waitFor();
    await waitFor(async () => (await names(page))[0] === 'Grid 2', 'the saved sort');
    expect(new URL(page.url()).search).toBe('?sort=time&view=list');

    // Someone else does not see it.
    const viewer = await newUser(browser, api.url);
    await signIn(viewer.page, team.viewer.email, `/orgs/${team.orgId}/printers`);
    await viewer.page.getByRole('button', { name: 'Save view' }).waitFor();
    expect(
      await viewer.page.getByRole('combobox', { name: 'Saved view', exact: true }).locator('option').allTextContents(),
    ).toEqual(['No saved views']);

    await page.getByRole('button', { name: 'Delete view Ending soon' }).click();
    await page.getByText('View “Ending soon” deleted').waitFor();
    expect(
      await page.getByRole('combobox', { name: 'Saved view', exact: true }).locator('option').allTextContents(),
    ).toEqual(['No saved views']);
    expect(errors).toEqual([]);
  });

  it('keyboard: ? lists the shortcuts, / searches, j/k move, x selects, g q / g p navigate; typing is never a shortcut', async () => {
    const { page, errors } = await newUser(browser, api.url);
    await signIn(page, team.operator.email, `/orgs/${team.orgId}/printers?sort=name`);
    await waitFor(async () => (await names(page)).length === 6, 'six printers');

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.getByText('Go to the queue').waitFor();
    await screenshot(page, 'keyboard-shortcuts');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });

    await page.keyboard.press('/');
    const search = page.getByLabel('Search printers');
    await waitFor(
      () => search.evaluate((element) => element === (globalThis as any).document.activeElement),
      'search focused',
    );
    // In the field, j and x are letters.
    await page.keyboard.type('jx');
    expect(await search.inputValue()).toBe('jx');
    await search.fill('');
    await search.blur();

    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.keyboard.press('j');
    const focused = () => page.locator('[data-printer-id]:focus .printer-name').textContent();
    await waitFor(async () => (await focused()) === 'Grid 3', 'the second printer focused');
    await page.keyboard.press('x');
    expect(await page.getByLabel('Select Grid 3').isChecked()).toBe(true);
    await page
      .getByRole('region', { name: 'Bulk actions' })
      .getByText(/1 selected/)
      .waitFor();

    await page.keyboard.press('g');
    await page.keyboard.press('q');
    await page.waitForURL(`**/orgs/${team.orgId}/queue`);
    await page.keyboard.press('g');
    await page.keyboard.press('p');
    await page.waitForURL(`**/orgs/${team.orgId}/printers`);
    expect(errors).toEqual([]);
  });

  it("a card's snapshot opens full size in a dialog that Escape closes", async () => {
    const { page, errors } = await newUser(browser, api.url);
    await signIn(page, team.viewer.email, `/orgs/${team.orgId}/printers`);
    const card = page.getByRole('article', { name: 'Grid 2' });
    await card.getByRole('button', { name: 'Open Latest snapshot of Grid 2 full size' }).click();
    const dialog = page.getByRole('dialog', { name: 'Grid 2, latest snapshot' });
    const full = dialog.getByRole('img', { name: 'Latest snapshot of Grid 2, full size' });
    await full.waitFor();
    await waitFor(() => full.evaluate((image) => (image as any).naturalWidth === 64), 'the frame loaded');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(errors).toEqual([]);
  });
});
