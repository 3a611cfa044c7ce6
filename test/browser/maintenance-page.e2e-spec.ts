import { createTeam, type Team } from '@farmhand/factories';
import { startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import type { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { jpegFrame } from '../detection/frame-images';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

/**
 * The maintenance page: an admin plans a task for a printer model, an operator records it done with its checklist
 * and a photo; the printer page shows it in the printer's maintenance history.
 */
describe('maintenance in the browser', () => {
  let api: ApiHarness;
  let browser: Browser;
  let team: Team;

  beforeAll(async () => {
    ensureWebBuild();
    api = await startApi();
    team = await createTeam(api, 'Care farm');
    await api.app.get(DataSource).query(`UPDATE printers SET model = 'MK4S' WHERE id = $1`, [team.printerA.id]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('an admin adds a task for a model; an operator ticks its checklist and records it done', async () => {
    const admin = await newUser(browser, api.url);
    await signIn(admin.page, team.admin.email, `/orgs/${team.orgId}/maintenance`);
    await admin.page.getByLabel('Task', { exact: true }).fill('Clean bed');
    await admin.page.getByLabel('Printer model').fill('mk4s');
    await admin.page.getByLabel('Every').fill('30');
    await admin.page.getByLabel('Counted in').selectOption('days');
    await admin.page.getByLabel('Checklist (one step a line)').fill('Wipe with IPA');
    await admin.page.getByRole('button', { name: 'Add task' }).click();
    await admin.page.getByRole('row', { name: new RegExp(`Clean bed ${team.printerA.name}`) }).waitFor();

    const operator = await newUser(browser, api.url);
    await signIn(operator.page, team.operator.email, `/orgs/${team.orgId}/maintenance`);
    const row = operator.page.getByRole('row', { name: new RegExp(`Clean bed ${team.printerA.name}`) });
    await row.getByRole('button', { name: 'Done…' }).click();
    const form = operator.page.getByRole('form', { name: 'Record maintenance' });
    await form.getByLabel('Wipe with IPA').check();
    await form.getByLabel('Notes').fill('Sheet swapped too');
    await form.getByLabel('Photos (up to 5: JPEG, PNG or WebP)').setInputFiles({
      name: 'bed.jpg',
      mimeType: 'image/jpeg',
      buffer: await jpegFrame(800, 600),
    });
    await form.getByRole('button', { name: 'Record as done' }).click();
    await operator.page.getByText(`Clean bed done on ${team.printerA.name}`).waitFor();
    await screenshot(operator.page, 'maintenance');
    const [completion] = await api.app
      .get(DataSource)
      .query(`SELECT notes, checklist FROM maintenance_completions WHERE printer_id = $1`, [team.printerA.id]);
    expect(completion).toEqual({ notes: 'Sheet swapped too', checklist: [{ item: 'Wipe with IPA', done: true }] });
    await operator.page.goto(`${api.url}/orgs/${team.orgId}/printers/${team.printerA.id}`);
    const photo = operator.page
      .getByRole('table', { name: 'Maintenance history' })
      .getByRole('img', { name: 'Clean bed, 1 of 1' });
    await photo.waitFor();
    // The photo itself loads (the page's own session fetches it), at the size it was stored.
    // Polled from the test, not page.waitForFunction: a predicate given as text is eval'd, which the CSP refuses.
    const photoLoaded = () =>
      operator.page.evaluate(() =>
        [
          ...(globalThis as unknown as { document: { images: Iterable<{ complete: boolean; naturalWidth: number }> } })
            .document.images,
        ].some((image) => image.complete && image.naturalWidth === 800),
      );
    await waitFor(photoLoaded, 'the stored photo loaded at 800 px');

    const viewer = await newUser(browser, api.url);
    await signIn(viewer.page, team.viewer.email, `/orgs/${team.orgId}/maintenance`);
    await viewer.page.getByRole('row', { name: /Clean bed/ }).waitFor();
    expect(await viewer.page.getByRole('button', { name: 'Done…' }).count()).toBe(0);
    expect([...admin.errors, ...operator.errors, ...viewer.errors]).toEqual([]);
  });
});
