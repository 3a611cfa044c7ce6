import { createTeam, insertPrinter, uploadGcode, type Team } from '@farmhand/factories';
import { startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

const cardNames = (page: Page) =>
  page.getByRole('list', { name: 'Printers' }).locator('.printer-name').allTextContents();

/**
 * The page is no wider than the phone (nothing to scroll sideways) and every control is on screen: a wide table
 * may scroll inside its own frame, its buttons may not hide there. The top navigation is a strip that scrolls
 * sideways by design.
 */
async function fitsWidth(page: Page, width: number): Promise<void> {
  const { scrollWidth, offScreen } = await page.evaluate((limit) => {
    // The test's TypeScript has no DOM library: the little of it used here, typed by hand.
    interface Box {
      tagName: string;
      textContent: string | null;
      closest(selector: string): unknown;
      getBoundingClientRect(): { width: number; height: number; right: number };
    }
    const document = (
      globalThis as unknown as {
        document: { querySelectorAll(selector: string): Iterable<Box>; documentElement: { scrollWidth: number } };
      }
    ).document;
    const offScreen = [...document.querySelectorAll('button, a, input, select')]
      .filter((element) => {
        if (element.closest('.nav')) return false;
        const box = element.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && box.right > limit + 1;
      })
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()} "${(element.textContent ?? '').trim().slice(0, 40)}"`);
    return { scrollWidth: document.documentElement.scrollWidth, offScreen };
  }, width);
  expect({ scrollWidth, offScreen }).toEqual({ scrollWidth: width, offScreen: [] });
}

/**
 * "Needs a hand" first: printers waiting for their plate or holding an open failure alert lead the grid with their
 * own chips, card style and tab-title count, and the operator clears many plates in one go, at a phone's width too.
 */
describe('attention states and bulk bed clearing', () => {
  let api: ApiHarness;
  let browser: Browser;
  let team: Team;
  let db: DataSource;

  beforeAll(async () => {
    ensureWebBuild();
    api = await startApi();
    team = await createTeam(api, 'Bed farm');
    db = api.app.get(DataSource);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /** Finished prints waiting on the plates of `printers` (what dispatch and the agents' events leave behind). */
  async function finishedOn(printers: Array<{ id: string; fleetId: string }>): Promise<string> {
    const file = await uploadGcode(team.operator.client, team.orgId, { salt: 'plates' }, 'bracket.gcode');
    const job = await team.operator.client.post(`/api/orgs/${team.orgId}/jobs`, {
      fileId: file.id,
      copies: printers.length,
      held: true,
    });
    expect(job.status).toBe(201);
    const detail = await team.operator.client.get(`/api/orgs/${team.orgId}/jobs/${job.body.id}`);
    const copies: Array<{ id: string }> = detail.body.copyList;
    for (const [index, printer] of printers.entries()) {
      const copyId = copies[index]!.id;
      await db.query(
        `UPDATE print_copies SET state = 'awaiting_bed_clear', printer_id = $2, attempt = 1, assigned_at = now()
          WHERE id = $1`,
        [copyId, printer.id],
      );
      await db.query(
        `INSERT INTO print_attempts (org_id, copy_id, job_id, printer_id, fleet_id, attempt, state, assigned_at)
         VALUES ($1, $2, $3, $4, $5, 1, 'awaiting_bed_clear', now())`,
        [team.orgId, copyId, job.body.id, printer.id, printer.fleetId],
      );
      await db.query(
        `INSERT INTO printer_beds (printer_id, org_id, clear, copy_id, reason) VALUES ($1, $2, false, $3, 'print_done')`,
        [printer.id, team.orgId, copyId],
      );
    }
    return job.body.id as string;
  }

  it('an operator sees who needs a hand first and marks three beds clear, one of them bad and requeued; a viewer sees no controls', async () => {
    const extra = [];
    for (const name of ['Bed farm A2', 'Bed farm A3', 'Bed farm A4'])
      extra.push(await insertPrinter(api, team.orgId, team.fleetA, { name }));
    const [a2, a3, a4] = extra;
    const jobId = await finishedOn([team.printerA, a2!, a3!]);
    // A cancelled spaghetti print: the alert stays open until someone looks.
    await db.query(
      `INSERT INTO detection_alerts (org_id, printer_id, level, state, score) VALUES ($1, $2, 'pause', 'open', 0.93)`,
      [team.orgId, team.printerB.id],
    );

    const operator = await newUser(browser, api.url);
    const { page } = operator;
    await signIn(page, team.operator.email, `/orgs/${team.orgId}/printers`);
    const attentionChips = page.getByRole('group', { name: 'Needs a hand' });
    await attentionChips.getByRole('button', { name: 'Needs a hand 4' }).waitFor();
    await waitFor(async () => (await page.title()) === '(4) Printers · Farmhand', 'attention count in the title');
    // The most urgent first (the alert), then the plates; the printer that needs nothing last.
    expect(await cardNames(page)).toEqual(['Bed farm B1', 'Bed farm A1', 'Bed farm A2', 'Bed farm A3', 'Bed farm A4']);
    const alerted = page.getByRole('article', { name: 'Bed farm B1' });
    expect(await alerted.locator('.state').textContent()).toBe('Failure alert');
    expect(await alerted.getByText(/Risk/).count()).toBe(0);
    await screenshot(page, 'printers-attention');

    // The "Clear bed" chip filters to the plates.
    await attentionChips.getByRole('button', { name: 'Clear bed 3' }).click();
    await waitFor(async () => (await cardNames(page)).length === 3, 'three plates shown');
    expect(page.url()).toContain('attention=awaiting_bed_clear');

    // Select all shown, mark them clear: all good but one.
    await page.getByRole('region', { name: 'Bulk actions' }).getByLabel('Select all shown').check();
    await page.getByRole('button', { name: 'Mark 3 beds clear' }).click();
    const dialog = page.getByRole('dialog', { name: 'Mark 3 beds clear' });
    await dialog.getByLabel('Bad print on Bed farm A2').check();
    expect(await dialog.getByLabel('Requeue the bad prints').isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Mark 3 beds clear' }).click();
    const outcomes = dialog.getByRole('list', { name: 'Outcome per printer' });
    await outcomes.waitFor();
    expect(await outcomes.getByRole('listitem').allTextContents()).toEqual([
      'Bed farm A1: bed clear, print good',
      'Bed farm A2: bed clear, print bad, copy requeued',
      'Bed farm A3: bed clear, print good',
    ]);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await waitFor(async () => (await page.title()) === '(1) Printers · Farmhand', 'one left in the title');
    await attentionChips.getByRole('button', { name: 'Needs a hand 1' }).waitFor();

    // What the server recorded: verdicts per copy, one requeued.
    const detail = await team.operator.client.get(`/api/orgs/${team.orgId}/jobs/${jobId}`);
    const states = (detail.body.copyList as Array<{ state: string; outcome: string | null }>)
      .map((copy) => `${copy.state}:${copy.outcome ?? '-'}`)
      .sort();
    expect(states).toEqual(['done:good', 'done:good', 'queued:-']);
    expect(a4).toBeDefined();

    // A viewer sees the attention, and nothing to act with.
    await finishedOn([a4!]);
    const viewer = await newUser(browser, api.url);
    await signIn(viewer.page, team.viewer.email, `/orgs/${team.orgId}/printers`);
    await viewer.page
      .getByRole('group', { name: 'Needs a hand' })
      .getByRole('button', { name: 'Needs a hand 2' })
      .waitFor();
    expect(await viewer.page.getByRole('button', { name: /Clear bed of/ }).count()).toBe(0);
    expect(await viewer.page.getByRole('checkbox').count()).toBe(0);
    await viewer.page.goto(`/orgs/${team.orgId}/printers/${a4!.id}`);
    await viewer.page.getByText('Needs a hand:').waitFor();
    expect(await viewer.page.getByRole('button', { name: 'Clear bed' }).count()).toBe(0);

    expect(operator.errors).toEqual([]);
    expect(viewer.errors).toEqual([]);
    await Promise.all([operator.context.close(), viewer.context.close()]);
  });

  it('at 390 px an operator clears a bed from its card and from the printer page; the grid and the queue fit the phone', async () => {
    const printer = await insertPrinter(api, team.orgId, team.fleetA, { name: 'Phone P1' });
    const other = await insertPrinter(api, team.orgId, team.fleetA, { name: 'Phone P2' });
    await finishedOn([printer, other]);
    const phone = await newUser(browser, api.url, { width: 390, height: 844 });
    const { page } = phone;
    await signIn(page, team.operator.email, `/orgs/${team.orgId}/printers?q=Phone`);
    const card = page.getByRole('article', { name: 'Phone P1' });
    await card.getByRole('button', { name: 'Clear bed of Phone P1' }).click();
    const dialog = page.getByRole('dialog', { name: 'Clear the bed of Phone P1' });
    await dialog.getByRole('button', { name: 'Bed is clear' }).click();
    await dialog.getByText('Phone P1: bed clear, print good').waitFor();
    await fitsWidth(page, 390);
    await screenshot(page, 'bed-clear-phone');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await waitFor(async () => (await card.locator('.state').textContent()) !== 'Clear bed', 'card back to its state');
    await fitsWidth(page, 390);

    await page.goto(`/orgs/${team.orgId}/printers/${other.id}`);
    await page.getByText('Needs a hand:').waitFor();
    await page.getByRole('button', { name: 'Clear bed' }).click();
    await page.getByRole('dialog', { name: 'Clear the bed of Phone P2' }).getByLabel('Bad print on Phone P2').check();
    await page.getByRole('dialog').getByRole('button', { name: 'Bed is clear' }).click();
    await page.getByText('Phone P2: bed clear, print bad, copy requeued').waitFor();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByText('Needs a hand:').waitFor({ state: 'detached' });
    await fitsWidth(page, 390);

    // The queue page's plates and library keep their buttons on screen.
    await finishedOn([await insertPrinter(api, team.orgId, team.fleetA, { name: 'Phone P3' })]);
    await page.goto(`/orgs/${team.orgId}/queue`);
    await page.getByRole('heading', { name: /^Queue \(/ }).waitFor();
    await page.getByRole('button', { name: 'Confirm cleared on Phone P3' }).waitFor();
    await fitsWidth(page, 390);
    await screenshot(page, 'queue-phone', true);
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  });

  it('the queue reads right: a plate to clear is not "Printing", reasons in words, a cancel told and final, files found by search', async () => {
    const printer = await insertPrinter(api, team.orgId, team.fleetB, { name: 'Queue Q1' });
    const leftover = await insertPrinter(api, team.orgId, team.fleetB, { name: 'Queue Q2' });
    const jobId = await finishedOn([printer]);
    await db.query(
      `INSERT INTO printer_beds (printer_id, org_id, clear, copy_id, reason) VALUES ($1, $2, false, NULL, 'print_cancelled')`,
      [leftover.id, team.orgId],
    );
    await db.query(`UPDATE print_jobs SET name = 'plate-job.gcode' WHERE id = $1`, [jobId]);
    for (const name of ['alpha-bracket.gcode', 'beta-hinge.gcode', 'gamma-clip.gcode'])
      await uploadGcode(team.operator.client, team.orgId, { salt: name }, name);

    const operator = await newUser(browser, api.url);
    const { page } = operator;
    await signIn(page, team.operator.email, `/orgs/${team.orgId}/queue`);
    const job = page.getByRole('listitem', { name: 'plate-job.gcode' });
    await job.waitFor();
    expect(await job.locator('.status').first().textContent()).toBe('Bed to clear');
    // The plate a cancelled print left, in words rather than `print_cancelled`.
    const leftoverRow = page.getByRole('row', { name: /Queue Q2/ });
    expect(await leftoverRow.textContent()).toContain('Cancelled print');
    expect(await leftoverRow.textContent()).not.toContain('print_cancelled');

    // Cancelling says so; the job stays listed for its plate, with nothing left to act on.
    await job.getByRole('button', { name: 'Cancel job' }).click();
    await page
      .getByRole('dialog', { name: 'Cancel plate-job.gcode?' })
      .getByRole('button', { name: 'Cancel job' })
      .click();
    await page.getByText(/^Cancelled plate-job\.gcode/).waitFor();
    await waitFor(async () => (await job.locator('.status').first().textContent()) === 'Cancelled', 'cancelled badge');
    expect(await job.getByRole('button', { name: /Hold|Release|Cancel job|Move/ }).count()).toBe(0);

    // The job form finds a file by search and shows what it is.
    await page.getByRole('button', { name: 'New job' }).click();
    const dialog = page.getByRole('dialog', { name: 'Queue a print job' });
    await dialog.getByLabel('Search files').fill('hinge');
    await waitFor(async () => (await dialog.getByRole('radio').count()) === 1, 'one match');
    await dialog.getByRole('radio', { name: /beta-hinge\.gcode/ }).check();
    await screenshot(page, 'queue-file-picker');
    await dialog.getByRole('button', { name: 'Queue job' }).click();
    await page.getByText('Queued 1 copy of beta-hinge.gcode').waitFor();
    expect(operator.errors).toEqual([]);
    await operator.context.close();
  });
});
