import { createTeam, issueAgentCredential, type Team, uploadRaw } from '@farmhand/factories';
import { sampleThreeMf } from '@farmhand/files';
import { startApi, type ApiHarness, waitFor } from '@farmhand/testing';
import type { Browser } from 'playwright-core';
import { connected, hello, rawAgent, status } from '../agents/agent-harness';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

/**
 * The job form for mixed printers: a two-plate project 3MF shows its format and what it was sliced for, plate 2 is
 * picked with its filaments shown, and an explicit AMS mapping reaches the job; a viewer is not offered the form.
 * The printer page shows a Bambu printer's kind, the formats it prints and the AMS trays its agent reports.
 */
describe('the job form for a Bambu project 3MF', () => {
  let api: ApiHarness;
  let browser: Browser;
  let team: Team;

  beforeAll(async () => {
    ensureWebBuild();
    api = await startApi();
    team = await createTeam(api, 'Mixed farm');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('an operator picks plate 2, sees its filaments and queues it with an explicit AMS mapping; a viewer cannot', async () => {
    const upload = await uploadRaw(
      team.operator.client,
      team.orgId,
      sampleThreeMf({ plates: 2, sliced: [1, 2] }),
      'two-plates.3mf',
    );
    expect([200, 201]).toContain(upload.status);

    const operator = await newUser(browser, api.url, { width: 1000, height: 1400 });
    const { page } = operator;
    await signIn(page, team.operator.email, `/orgs/${team.orgId}/queue`);
    await page.getByRole('button', { name: 'New job' }).click();
    const dialog = page.getByRole('dialog', { name: 'Queue a print job' });
    await dialog.getByRole('radio', { name: /two-plates\.3mf/ }).check();
    await dialog.getByText('Project 3MF').waitFor();
    await dialog.getByText('Sliced for: Bambu Lab P1S').waitFor();
    expect(await dialog.getByLabel('Sliced for model').inputValue()).toBe('Bambu Lab P1S');

    // Hostile text in the "sliced for" override (NUL, a lone surrogate): the API refuses it, and the form says so
    // beside the field, naming it.
    const slicedFor = dialog.getByLabel('Sliced for model');
    for (const hostile of ['P1S\u0000', 'P1S\ud800']) {
      await slicedFor.fill(hostile);
      await dialog.getByRole('button', { name: 'Queue job' }).click();
      await waitFor(
        async () => (await slicedFor.getAttribute('aria-invalid')) === 'true',
        'the refusal shown beside the field',
      );
      const describedBy = (await slicedFor.getAttribute('aria-describedby'))!.split(' ').at(-1)!;
      expect(await dialog.locator(`[id="${describedBy}"]`).textContent()).toMatch(/printerModel/);
    }
    await slicedFor.fill('Bambu Lab P1S');

    await dialog.getByLabel('Plate', { exact: true }).selectOption('2');
    const filaments = dialog.getByRole('list', { name: 'Filaments of plate 2' });
    await filaments.getByText(/Filament 1: PLA/).waitFor();
    await filaments.getByText(/Filament 3: PETG/).waitFor();

    // Only one filament chosen: refused before sending, naming the field.
    await dialog.getByLabel('AMS slot for filament 1').selectOption({ label: 'AMS 1 slot 3' });
    await dialog.getByRole('button', { name: 'Queue job' }).click();
    await dialog.getByText(/amsMapping: choose a slot for every filament/).waitFor();

    await dialog.getByLabel('AMS slot for filament 3').selectOption({ label: 'External spool' });
    await screenshot(page, 'job-form-3mf-plate-2');
    await dialog.getByRole('button', { name: 'Queue job' }).click();
    await page.getByRole('listitem', { name: 'two-plates.3mf' }).waitFor();

    const jobs = (await team.operator.client.get(`/api/orgs/${team.orgId}/jobs?status=all`)).body.jobs as {
      name: string;
      bambu: { plate: number | null; amsMapping: number[] | null };
      requirements: { printerModel: string | null; fileFormat: string };
    }[];
    const job = jobs.find((candidate) => candidate.name === 'two-plates.3mf');
    expect(job?.bambu).toEqual({ plate: 2, amsMapping: [2, -1, -1] });
    expect(jobs.filter((candidate) => candidate.name === 'two-plates.3mf')).toHaveLength(1);
    expect(job?.requirements.printerModel).toBe('Bambu Lab P1S');
    expect(job?.requirements.fileFormat).toBe('3mf');
    expect(operator.errors).toEqual([]);

    // A viewer reads the queue, and is offered no job form at all.
    const viewer = await newUser(browser, api.url);
    await signIn(viewer.page, team.viewer.email, `/orgs/${team.orgId}/queue`);
    await viewer.page.getByRole('listitem', { name: 'two-plates.3mf' }).waitFor();
    await waitFor(async () => (await viewer.page.getByRole('button', { name: 'New job' }).count()) === 0, 'no form');
    expect(await viewer.page.getByLabel(/AMS slot/).count()).toBe(0);
    expect(viewer.errors).toEqual([]);
    await Promise.all([operator.context.close(), viewer.context.close()]);
  });

  it("the printer page shows a Bambu printer's kind, formats and AMS trays from its agent's report, to a viewer too", async () => {
    // A tracked spool loaded in slot 1: its remaining grams show beside the tray the agent reports there.
    const spool = await team.admin.client.post(`/api/orgs/${team.orgId}/spools`, {
      material: 'PETG',
      colorName: 'Green',
      initialGrams: 750,
    });
    expect(spool.status).toBe(201);
    const load = await team.operator.client.post(`/api/orgs/${team.orgId}/spools/${spool.body.id}/load`, {
      printerId: team.printerA.id,
      slot: 1,
    });
    expect(load.status).toBeLessThan(300);
    const socket = rawAgent(api.url, { credential: await issueAgentCredential(api, team.printerA) });
    try {
      await connected(socket);
      socket.emit('hello', hello({ backend: 'bambu', backendVersion: '01.08.00.00', capabilities: ['upload.3mf'] }));
      socket.emit(
        'status',
        status({
          filamentSlots: [
            { slot: 0, material: 'PLA', colorHex: '#FF0000' },
            { slot: 1, material: 'PETG', colorHex: '#00FF00' },
          ],
        }),
      );
      await waitFor(
        async () =>
          (await team.viewer.client.get(`/api/orgs/${team.orgId}/printers/${team.printerA.id}`)).body
            .uploadFormats?.[0] === '3mf',
        'the agent reported in',
      );

      const viewer = await newUser(browser, api.url, { width: 1000, height: 1400 });
      await signIn(viewer.page, team.viewer.email, `/orgs/${team.orgId}/printers/${team.printerA.id}`);
      const kind = viewer.page.getByLabel('Printer kind');
      await kind.getByText('Bambu Lab (LAN)').waitFor();
      await kind.getByText('Project 3MF').waitFor();
      const slots = viewer.page.getByRole('table', { name: 'Filament slots' });
      await slots.getByRole('row', { name: /AMS 1 slot 1 PLA #FF0000 —/ }).waitFor();
      await slots.getByRole('row', { name: /AMS 1 slot 2 PETG #00FF00 750 g/ }).waitFor();
      await screenshot(viewer.page, 'printer-page-bambu-kind');
      expect(viewer.errors).toEqual([]);
      await viewer.context.close();
    } finally {
      socket.disconnect();
    }
  });
});
