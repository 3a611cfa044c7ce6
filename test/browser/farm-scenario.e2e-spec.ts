import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueEmail } from '@farmhand/factories';
import { startApi, startWorker, waitFor, type ApiHarness, type RoleHarness } from '@farmhand/testing';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { runCli } from '../../apps/agent/src/cli/cli';
import type { AgentRuntime } from '../../apps/agent/src/runtime/agent-runtime';
import type { OctoPrintFarm } from '../../apps/printer-sim/src/octoprint/octoprint-farm';
import { startAgent, startFarm } from '../agents/agent-harness';
import { prusaSlicerMk4s } from '../fixtures/gcode/slicer-samples';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signUp } from './browser-harness';

const ROOT = join(__dirname, '..', '..');
/** Long enough to pause and resume mid-print: 600 simulated seconds at the farm's 20x time scale = 30 s. */
const PRINT_SECONDS = 600;

const CSV_HEADER = 'name,fleet,model,serial,octoprint_url,tags,nozzle_diameter,build_x,build_y,build_z,material';

/** Three printers of Hall A; only Farm-01 has an enclosure, which the job will require. */
function printersCsv(farm: OctoPrintFarm, extraRow?: string): string {
  const rows = [0, 1, 2].map((index) =>
    [
      `Farm-0${index + 1}`,
      'Hall A',
      'Prusa MK4S',
      `SN-FARM-${index + 1}`,
      farm.url(index),
      index === 0 ? 'enclosure' : 'open-frame',
      '0.4',
      '250',
      '210',
      '220',
      'PETG',
    ].join(','),
  );
  return [CSV_HEADER, ...rows, ...(extraRow ? [extraRow] : [])].join('\r\n') + '\r\n';
}

/** The enrollment token of one credentials CSV row, turned into an agent credential by the real agent CLI. */
async function enrollAgent(serverUrl: string, token: string, directory: string): Promise<string> {
  const config = join(await mkdtemp(join(directory, 'agent-')), 'config.json');
  let stderr = '';
  const code = await runCli(['enroll', '--server', serverUrl, '--token', token, '--config', config], {
    env: {},
    stdout: { write: () => undefined },
    stderr: { write: (text: string) => (stderr += text) },
  });
  if (code !== 0) throw new Error(`farmhand-agent enroll failed: ${stderr}`);
  return (JSON.parse(readFileSync(config, 'utf8')) as { credential: string }).credential;
}

/** Waits until a progress bar reports more than `above` percent. */
async function progressAbove(page: Page, label: string, above: number, timeoutMs = 60_000): Promise<void> {
  const bar = page.getByRole('progressbar', { name: label, exact: true });
  await waitFor(
    async () => Number((await bar.getAttribute('aria-valuenow', { timeout: 1_000 })) ?? '0') > above,
    `${label} above ${above}%`,
    timeoutMs,
  );
}

/**
 * The whole farm through the browser: api + worker + three simulated OctoPrint printers with the real agent, enrolled
 * from a CSV on the enrollment page, printing a two-copy job from the queue page.
 */
describe('a print farm run from the browser', () => {
  let api: ApiHarness;
  let worker: RoleHarness;
  let farm: OctoPrintFarm;
  let browser: Browser;
  let dataDir: string;
  const agents: AgentRuntime[] = [];

  beforeAll(async () => {
    ensureWebBuild();
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-farm-scenario-'));
    const settings = {
      DATA_DIR: dataDir,
      SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE: '100',
      SCHEDULER_TICK_SECONDS: '2',
    };
    api = await startApi(settings);
    worker = await startWorker(settings, { api });
    farm = await startFarm(3);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    await browser?.close();
    await farm?.stop();
    await worker?.close();
    await api?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('an admin enrolls 3 printers from a CSV, their agents come online, a 2-copy job prints, one printer is paused and resumed, and a cleared bed starts the second copy', async () => {
    const admin = await newUser(browser, api.url);
    const { page } = admin;

    // Sign up with a new organization, create a fleet.
    await page.goto('/sign-up');
    await signUp(page, 'Fay Farmer', uniqueEmail('farm-admin'), 'Scenario Farm');
    await page.waitForURL('**/fleets');
    const orgId = /\/orgs\/([^/]+)\//.exec(page.url())![1]!;
    await page.getByLabel('Fleet name').fill('Hall A');
    await page.getByRole('button', { name: 'Create fleet' }).click();
    await page.getByRole('link', { name: 'Hall A' }).waitFor();

    // A CSV with a mistake: the dry run lists every row, the bad one with its error, and commit stays off.
    await page.getByRole('link', { name: 'Enroll' }).click();
    await page.getByRole('heading', { name: 'Import printers from a CSV' }).waitFor();
    await page.getByLabel('Printers CSV').setInputFiles({
      name: 'printers-with-a-typo.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(printersCsv(farm, 'Farm-04,Hall Z,Prusa MK4S,SN-FARM-4,,open-frame,0.4,250,210,220,PETG')),
    });
    const table = page.getByRole('table', { name: 'Every row of the CSV with its errors' });
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(4);
    const badRow = table.locator('tbody tr', { hasText: 'Error' });
    expect(await badRow.count()).toBe(1);
    expect(await badRow.locator('td').first().textContent()).toBe('5');
    expect(await badRow.textContent()).toContain('fleet');
    expect(await page.getByRole('button', { name: /^Commit / }).isDisabled()).toBe(true);
    await screenshot(page, 'enrollment-dry-run-errors', true);

    // The corrected file: three new printers, committed, credentials downloaded.
    await page.getByLabel('Printers CSV').setInputFiles({
      name: 'printers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(printersCsv(farm)),
    });
    await page.getByRole('status').filter({ hasText: '3 valid (3 new, 0 updates), 0 with errors' }).waitFor();
    expect(await table.locator('tbody tr').count()).toBe(3);
    await screenshot(page, 'enrollment-dry-run', true);
    await page.getByRole('button', { name: 'Commit 3 printers' }).click();
    await page.getByText('Enrolled 3 new printers').waitFor();
    await page.getByRole('progressbar', { name: 'Import progress' }).waitFor();
    expect(await page.getByRole('progressbar', { name: 'Import progress' }).getAttribute('aria-valuenow')).toBe('100');
    await screenshot(page, 'enrollment-committed', true);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download credentials CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^farmhand-enrollment-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows: Array<Record<string, string>> = parse(readFileSync((await download.path())!), {
      columns: true,
      bom: true,
    });
    expect(rows.map((row) => row.name)).toEqual(['Farm-01', 'Farm-02', 'Farm-03']);
    for (const row of rows) {
      expect(row.token).toMatch(/^fh_enr_/);
      expect(row.agent_command).toContain(row.token);
    }
    const [sheet] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download QR sheet' }).click(),
    ]);
    const sheetHtml = readFileSync((await sheet.path())!, 'utf8');
    expect(sheetHtml.match(/<article class="card">/g)).toHaveLength(3);
    expect(sheetHtml).toContain("default-src 'none'");

    // Each printer's agent enrolls with its token and connects to its simulated OctoPrint.
    for (const [index, row] of rows.entries()) {
      agents.push(await startAgent(api.url, farm, index, await enrollAgent(api.url, row.token!, dataDir)));
    }

    // The grid shows them come online.
    await page.getByRole('link', { name: 'Printers' }).click();
    for (const name of ['Farm-01', 'Farm-02', 'Farm-03']) {
      await page.getByRole('article', { name }).getByText('Ready', { exact: true }).waitFor({ timeout: 30_000 });
    }

    // Upload a sliced file: the library shows its metadata and thumbnail.
    await page.getByRole('link', { name: 'Queue' }).click();
    const gcode = prusaSlicerMk4s().text.replace(
      '; estimated printing time (normal mode) = 4m 12s',
      `; estimated printing time (normal mode) = ${PRINT_SECONDS / 60}m 0s`,
    );
    await page.getByLabel('Upload G-code').setInputFiles({
      name: 'bracket-mk4s.gcode',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(gcode),
    });
    await page.getByText('Uploaded bracket-mk4s.gcode').waitFor();
    const fileRow = page.getByRole('row', { name: /bracket-mk4s\.gcode/ });
    expect(await fileRow.textContent()).toContain('PETG');
    expect(await fileRow.textContent()).toContain('10m');
    expect(await fileRow.locator('img.file-thumb').count()).toBe(1);

    // Queue two copies that only the enclosed printer may print.
    await page.getByRole('button', { name: 'Queue bracket-mk4s.gcode' }).click();
    const dialog = page.getByRole('dialog', { name: 'Queue a print job' });
    await dialog.getByLabel('Copies').fill('2');
    await dialog.getByLabel('Required tags').fill('enclosure');
    await screenshot(page, 'queue-new-job');
    await dialog.getByRole('button', { name: 'Queue job' }).click();
    await page.getByText('Queued 2 copies of bracket-mk4s.gcode').waitFor();
    await page
      .getByRole('listitem', { name: 'bracket-mk4s.gcode' })
      .getByText(/1 queued · 1 printing/)
      .waitFor({
        timeout: 60_000,
      });
    await screenshot(page, 'queue', true);

    // Progress on the grid, live.
    await page.getByRole('link', { name: 'Printers' }).click();
    await progressAbove(page, 'Farm-01 progress', 15);
    await screenshot(page, 'fleet-grid-live');
    // The README's picture: opt-in, so that running the tests never changes a tracked file.
    if (process.env.FARMHAND_README_SCREENSHOTS === '1') {
      mkdirSync(join(ROOT, 'docs', 'images'), { recursive: true });
      await page.screenshot({
        path: join(ROOT, 'docs', 'images', 'fleet-grid.png'),
        clip: { x: 0, y: 0, width: 1040, height: 380 },
      });
    }

    // Pause and resume that printer from its detail page.
    await page.getByRole('link', { name: 'Farm-01', exact: true }).click();
    await page.getByRole('heading', { name: 'Farm-01' }).waitFor();
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Pause', exact: true }).click();
    await page.locator('.title-row .state', { hasText: 'Paused' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'printer-detail-paused', true);
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Resume', exact: true }).click();
    await page.locator('.title-row .state', { hasText: 'Printing' }).waitFor({ timeout: 30_000 });
    await progressAbove(page, 'Print progress', 50);
    await screenshot(page, 'printer-detail-live', true);

    // The first copy finishes; the operator clears the bed, the print was good, and the second copy starts there.
    await page.getByRole('link', { name: 'Queue' }).click();
    await page.getByRole('heading', { name: 'Awaiting bed clear (1)' }).waitFor({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Confirm cleared on Farm-01' }).click();
    const clear = page.getByRole('dialog', { name: 'Confirm the bed of Farm-01 is clear' });
    await clear.getByLabel('Good').check();
    await screenshot(page, 'bed-clear-dialog');
    await clear.getByRole('button', { name: 'Bed is clear' }).click();
    await page.getByText('Farm-01: bed cleared, print marked good').waitFor();
    await page
      .getByRole('listitem', { name: 'bracket-mk4s.gcode' })
      .getByText(/1 printing · 1 done/)
      .waitFor({
        timeout: 60_000,
      });
    await page.getByRole('listitem', { name: 'bracket-mk4s.gcode' }).getByRole('button', { name: 'Copies' }).click();
    await page.getByRole('list', { name: 'Copies' }).getByText('on Farm-01').first().waitFor();
    await screenshot(page, 'queue-second-copy', true);

    const jobs = await (await admin.context.request.get(`/api/orgs/${orgId}/jobs`)).json();
    const detail = await (await admin.context.request.get(`/api/orgs/${orgId}/jobs/${jobs.jobs[0].id}`)).json();
    const printers = await (await admin.context.request.get(`/api/orgs/${orgId}/printers`)).json();
    const farm01 = (printers.printers ?? printers).find((printer: { name: string }) => printer.name === 'Farm-01');
    expect(detail.copyList.map((copy: { state: string }) => copy.state)).toEqual(['done', 'printing']);
    expect(detail.copyList.map((copy: { printerId: string }) => copy.printerId)).toEqual([farm01.id, farm01.id]);

    expect(admin.errors).toEqual([]);
    await admin.context.close();
  }, 300_000);
});
