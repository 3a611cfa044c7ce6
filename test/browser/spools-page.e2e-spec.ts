import { createTeam, type Team } from '@farmhand/factories';
import { SpoolmanStandIn, startApi, type ApiHarness } from '@farmhand/testing';
import type { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

/**
 * The spools page: an admin adds a spool, an operator loads it from its label's address on a phone, or from the
 * printer page per slot; an admin points the organization at Spoolman and sees when it fails.
 */
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

  it('an operator loads and unloads spools per slot from the printer page, beside its maintenance history', async () => {
    const created = await team.admin.client.post(`/api/orgs/${team.orgId}/spools`, {
      material: 'PLA',
      colorName: 'Slot Two Blue',
      initialGrams: 1000,
    });
    expect(created.status).toBe(201);
    const task = await team.admin.client.post(`/api/orgs/${team.orgId}/maintenance/tasks`, {
      name: 'Lubricate rails',
      printerId: team.printerB.id,
      intervalKind: 'print_hours',
      intervalValue: 200,
    });
    expect(task.status).toBe(201);
    const done = await team.operator.client.post(`/api/orgs/${team.orgId}/maintenance/tasks/${task.body.id}/complete`, {
      printerId: team.printerB.id,
      notes: 'Rails <i>greased</i>',
    });
    expect(done.status).toBe(201);

    const operator = await newUser(browser, api.url);
    await signIn(operator.page, team.operator.email, `/orgs/${team.orgId}/printers/${team.printerB.id}`);
    const history = operator.page.getByRole('table', { name: 'Maintenance history' });
    await history.getByRole('row', { name: /Lubricate rails.*Rails <i>greased<\/i>/ }).waitFor();
    const form = operator.page.getByRole('form', { name: 'Load a spool on this printer' });
    await form.getByRole('option', { name: /Slot Two Blue/ }).waitFor({ state: 'attached' });
    await form
      .getByLabel('Spool')
      .selectOption({ label: (await form.getByRole('option', { name: /Slot Two Blue/ }).textContent())! });
    await form.getByLabel('Slot (0 without an AMS/MMU)').fill('2');
    await form.getByRole('button', { name: 'Load spool' }).click();
    const loaded = operator.page.getByRole('table', { name: 'Loaded spools' });
    await loaded.getByRole('row', { name: /2 PLA Slot Two Blue/ }).waitFor();
    const db = api.app.get(DataSource);
    expect((await db.query(`SELECT printer_id, slot FROM spools WHERE id = $1`, [created.body.id]))[0]).toEqual({
      printer_id: team.printerB.id,
      slot: 2,
    });
    await screenshot(operator.page, 'printer-spools');
    await operator.page.getByRole('button', { name: 'Unload slot 2' }).click();
    await operator.page.getByText('No spool loaded.').waitFor();
    expect((await db.query(`SELECT printer_id FROM spools WHERE id = $1`, [created.body.id]))[0]).toEqual({
      printer_id: null,
    });

    // A viewer reads the history and the loaded spools, without the form to change them.
    const viewer = await newUser(browser, api.url);
    await signIn(viewer.page, team.viewer.email, `/orgs/${team.orgId}/printers/${team.printerB.id}`);
    await viewer.page.getByRole('table', { name: 'Maintenance history' }).waitFor();
    expect(await viewer.page.getByRole('form', { name: 'Load a spool on this printer' }).count()).toBe(0);
    expect([...operator.errors, ...viewer.errors]).toEqual([]);
  });

  it('an admin points the organization at Spoolman; its spools replace the inventory and a failure shows', async () => {
    const spoolman = await new SpoolmanStandIn().start();
    try {
      spoolman.add({
        filament: {
          id: 1,
          material: 'ASA',
          name: 'Stand-in Grey',
          color_hex: '808080',
          diameter: 1.75,
          density: 1.07,
          weight: 1000,
        },
        used_weight: 250,
      });
      const admin = await newUser(browser, api.url);
      await signIn(admin.page, team.admin.email, `/orgs/${team.orgId}/spools`);
      await admin.page.getByRole('button', { name: 'Use Spoolman' }).click();
      const form = admin.page.getByRole('form', { name: 'Spoolman server' });
      await form.getByLabel('Spoolman URL').fill(spoolman.url);
      await form.getByRole('button', { name: 'Save' }).click();
      await form
        .getByText(/private address/)
        .first()
        .waitFor();
      await form.getByLabel(/on our local network/).check();
      await form.getByRole('button', { name: 'Save' }).click();
      await admin.page.getByText('Spoolman saved').waitFor();
      await admin.page.getByRole('button', { name: 'Sync from Spoolman' }).click();
      await admin.page.getByRole('row', { name: /ASA Stand-in Grey/ }).waitFor();
      await admin.page
        .getByRole('row', { name: /ASA Stand-in Grey/ })
        .getByText('750 g')
        .waitFor();
      expect(await admin.page.getByRole('button', { name: 'Add spool' }).count()).toBe(0);

      spoolman.requireApiKey = 'not-what-farmhand-sends';
      await admin.page.getByRole('button', { name: 'Sync from Spoolman' }).click();
      await admin.page.getByText(/Spoolman: Spoolman answered 401/).waitFor();
      await screenshot(admin.page, 'spoolman');
      expect(spoolman.requests.some((request) => request.method !== 'GET')).toBe(false);
      expect(admin.errors.filter((error) => !/503|Service Unavailable/.test(error))).toEqual([]);
      await team.admin.client.delete(`/api/orgs/${team.orgId}/spoolman`);
    } finally {
      await spoolman.stop();
    }
  });
});
