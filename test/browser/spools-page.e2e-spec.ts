import { createTeam, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';
import type { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

/** The spools page: an admin adds a spool, an operator loads it from its label's address on a phone. */
describe('spools in the browser', () => {
  let api: ApiHarness;
  let browser: Browser;
  let team: Team;

  beforeAll(async () => {
    ensureWebBuild();
    api = await startApi();
    team = await createTeam(api, 'Spool farm');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('an admin adds a spool; an operator opens its label on a phone and loads it on a printer', async () => {
    const admin = await newUser(browser, api.url);
    await signIn(admin.page, team.admin.email, `/orgs/${team.orgId}/spools`);
    await admin.page.getByLabel('Material').fill('PETG');
    await admin.page.getByLabel('Colour name').fill('Signal <b>Orange</b>');
    await admin.page.getByLabel('Filament weight (g)').fill('750');
    await admin.page.getByRole('button', { name: 'Add spool' }).click();
    const row = admin.page.getByRole('row', { name: /PETG Signal <b>Orange<\/b>/ });
    await row.waitFor();
    await row.getByText('750 g').first().waitFor();
    await screenshot(admin.page, 'spools');
    const [{ id }] = await api.app.get(DataSource).query(`SELECT id FROM spools WHERE org_id = $1`, [team.orgId]);

    // The label's QR code encodes this address; a phone opens it.
    const operator = await newUser(browser, api.url, { width: 390, height: 844 });
    await signIn(operator.page, team.operator.email, `/orgs/${team.orgId}/spools?load=${id}`);
    const form = operator.page.getByRole('form', { name: /Load PETG/ });
    await form.getByRole('option', { name: team.printerA.name }).waitFor({ state: 'attached' });
    await form.getByLabel('Printer').selectOption({ label: team.printerA.name });
    await form.getByRole('button', { name: 'Load spool' }).click();
    await operator.page.getByText('Spool loaded').waitFor();
    await operator.page.getByRole('row', { name: new RegExp(`${team.printerA.name}, slot 0`) }).waitFor();
    const [row0] = await api.app.get(DataSource).query(`SELECT printer_id, slot FROM spools WHERE id = $1`, [id]);
    expect(row0).toEqual({ printer_id: team.printerA.id, slot: 0 });

    // A viewer reads the inventory without buttons to change it.
    const viewer = await newUser(browser, api.url);
    await signIn(viewer.page, team.viewer.email, `/orgs/${team.orgId}/spools`);
    await viewer.page.getByRole('row', { name: /PETG/ }).waitFor();
    expect(await viewer.page.getByRole('button', { name: 'Load', exact: true }).count()).toBe(0);
    expect(await viewer.page.getByRole('button', { name: 'Add spool' }).count()).toBe(0);
    expect([...admin.errors, ...operator.errors, ...viewer.errors]).toEqual([]);
  });
});
