import { readFile } from 'node:fs/promises';
import { createTeam, type Team, uploadGcode } from '@farmhand/factories';
import { ReportsJobs } from '@farmhand/reports';
import { startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import type { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

/**
 * The reports page: a viewer narrows the period and a tag, reads the figures, and downloads a table as CSV; an admin
 * sets a tag quota there, and the job form shows the refusal of a job that would pass it.
 */
describe('reports in the browser', () => {
  let api: ApiHarness;
  let browser: Browser;
  let team: Team;
  const D = '2026-03-10';

  async function seedPrint(printerId: string, fleetId: string, tags: string[], state: string, hour: string) {
    const db = api.app.get(DataSource);
    const fileId = (await uploadGcode(team.operator.client, team.orgId)).id;
    const [job] = await db.query(
      `INSERT INTO print_jobs (org_id, file_id, name, copies, position, created_by, tags, material)
       VALUES ($1, $2, 'bracket', 1, 0, $3, $4, 'PLA') RETURNING id`,
      [team.orgId, fileId, team.operator.userId, tags],
    );
    const [copy] = await db.query(
      `INSERT INTO print_copies (org_id, job_id, number, state, attempt, printer_id) VALUES ($1, $2, 1, $3, 1, $4)
       RETURNING id`,
      [team.orgId, job.id, state, printerId],
    );
    await db.query(
      `INSERT INTO print_attempts (org_id, copy_id, job_id, printer_id, fleet_id, attempt, state, assigned_at,
         started_at, ended_at, filament_grams, failure_reason)
       VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $7, $7::timestamptz + interval '1 hour', 12, $8)`,
      [
        team.orgId,
        copy.id,
        job.id,
        printerId,
        fleetId,
        state,
        `${D}T${hour}:00:00Z`,
        state === 'failed' ? 'clog' : null,
      ],
    );
  }

  beforeAll(async () => {
    ensureWebBuild();
    api = await startApi();
    team = await createTeam(api, 'Report farm');
    await seedPrint(team.printerA.id, team.fleetA, ['physics'], 'done', '08');
    await seedPrint(team.printerB.id, team.fleetB, [], 'failed', '10');
    await api.app.get(ReportsJobs).refresh({ orgId: team.orgId });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('a viewer filters by period and tag, reads the figures and downloads the prints as CSV', async () => {
    const viewer = await newUser(browser, api.url);
    await signIn(viewer.page, team.viewer.email, `/orgs/${team.orgId}/reports`);
    const page = viewer.page;
    await page.getByLabel('From', { exact: true }).fill(D);
    await page.getByLabel('To', { exact: true }).fill(D);
    const summary = page.getByRole('definition').first();
    await page.getByRole('table', { name: 'Per printer' }).waitFor();
    await page.getByText('Success rate').waitFor();
    expect(await summary.textContent()).toBe('2');
    await page.getByRole('img', { name: 'Print hours per printer' }).waitFor();
    expect(await page.getByRole('list', { name: 'Failure reasons' }).textContent()).toBe('clog: 1');

    await page.getByLabel('Tag', { exact: true }).fill('physics');
    await page
      .getByRole('table', { name: 'Per tag' })
      .getByRole('row', { name: /physics 1/ })
      .waitFor();
    await waitFor(async () => (await summary.textContent()) === '1', 'the tag narrows the summary');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'prints.csv' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`farmhand-prints-${D}_${D}.csv`);
    const text = await readFile((await download.path())!, 'utf8');
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^ended_at,printer,/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('physics');
    await screenshot(page, 'reports');
    expect(viewer.errors).toEqual([]);
  });

  it('an admin sets a tag quota on the reports page; the job form shows why a job over it is refused', async () => {
    const admin = await newUser(browser, api.url);
    const page = admin.page;
    await signIn(page, team.admin.email, `/orgs/${team.orgId}/reports`);
    const form = page.getByRole('form', { name: 'Add quota' });
    await form.getByLabel('Scope').selectOption('tag');
    await form.getByLabel('Tag', { exact: true }).fill('budget');
    await form.getByLabel('Metric').selectOption('filament_grams');
    await form.getByLabel('Limit per month').fill('2');
    await form.getByRole('button', { name: 'Add quota' }).click();
    await page
      .getByRole('table', { name: 'Quotas' })
      .getByRole('row', { name: /tag budget 2 g 0 g/ })
      .waitFor();

    await uploadGcode(team.admin.client, team.orgId, {}, 'budget-part.gcode');
    await page.goto(`${api.url}/orgs/${team.orgId}/queue`);
    await page.getByRole('button', { name: 'New job' }).click();
    const dialog = page.getByRole('dialog', { name: 'Queue a print job' });
    await dialog.getByLabel('Search files').fill('budget-part');
    await dialog.getByRole('radio', { name: /budget-part\.gcode/ }).check();
    await dialog.getByLabel('Report tags').fill('budget');
    await dialog.getByRole('button', { name: 'Queue job' }).click();
    await dialog
      .getByText('The monthly quota of tag "budget" is 2 g of filament: 0 used or queued, this job needs 3.7')
      .waitFor();
    await screenshot(page, 'quota-refused');
    expect(admin.errors.filter((error) => !error.includes('409'))).toEqual([]);
  });
});
