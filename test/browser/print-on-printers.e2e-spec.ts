import { createTeam, issueAgentCredential, uploadGcode, type Team } from '@farmhand/factories';
import { startApi, startWorker, waitFor, type ApiHarness, type RoleHarness } from '@farmhand/testing';
import type { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import type { AgentRuntime } from '../../apps/agent/src/runtime/agent-runtime';
import type { OctoPrintFarm } from '../../apps/printer-sim/src/octoprint/octoprint-farm';
import { startAgent, startFarm } from '../agents/agent-harness';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

/**
 * "Print this file on the selected printers" from the grid's selection bar, against api + worker, real agents and
 * simulated OctoPrints: the queue's file picker, one job pinned to each printer, every printer's outcome, and each
 * simulator printing the file. A viewer gets no selection at all.
 */
describe('print a file on the selected printers', () => {
  let api: ApiHarness;
  let worker: RoleHarness;
  let browser: Browser;
  let team: Team;
  let farm: OctoPrintFarm;
  const agents: AgentRuntime[] = [];

  beforeAll(async () => {
    ensureWebBuild();
    const settings = { SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE: '100', SCHEDULER_TICK_SECONDS: '2' };
    api = await startApi(settings);
    worker = await startWorker(settings, { api });
    team = await createTeam(api, 'Pin farm');
    // What the file needs: a 0.4 mm nozzle and room for it (the simulators print whatever they are sent).
    await api.app
      .get(DataSource)
      .query(
        `UPDATE printers SET nozzle_diameter = 0.4, build_x = 250, build_y = 210, build_z = 220 WHERE id = ANY($1)`,
        [[team.printerA.id, team.printerB.id]],
      );
    farm = await startFarm(2);
    for (const [index, printer] of [team.printerA, team.printerB].entries())
      agents.push(await startAgent(api.url, farm, index, await issueAgentCredential(api, printer)));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    for (const agent of agents) await agent.stop();
    await farm?.stop();
    await worker?.close();
    await api?.close();
  });

  it('an operator selects two printers, picks a file from the library, and each printer prints it; a viewer cannot', async () => {
    await uploadGcode(team.operator.client, team.orgId, { salt: 'other' }, 'bracket.gcode');
    await uploadGcode(team.operator.client, team.orgId, { salt: 'pinned' }, 'benchy-pinned.gcode');
    const operator = await newUser(browser, api.url);
    const { page } = operator;
    await signIn(page, team.operator.email, `/orgs/${team.orgId}/printers`);
    for (const printer of [team.printerA, team.printerB])
      await page.getByRole('article', { name: printer.name }).waitFor();

    await page.getByRole('region', { name: 'Bulk actions' }).getByLabel('Select all shown').check();
    await page.getByRole('button', { name: 'Print a file on 2 printers' }).click();
    const dialog = page.getByRole('dialog', { name: 'Print a file on 2 printers' });
    await dialog.getByRole('searchbox', { name: 'Search files' }).fill('benchy');
    await dialog.getByRole('radio', { name: /benchy-pinned\.gcode/ }).check();
    await screenshot(page, 'print-on-selected-printers');
    await dialog.getByRole('button', { name: 'Print on 2 printers' }).click();

    const outcome = page.getByRole('list', { name: 'Outcome per printer' });
    await outcome.waitFor();
    for (const printer of [team.printerA, team.printerB]) await outcome.getByText(`${printer.name}: queued`).waitFor();
    await screenshot(page, 'print-on-selected-printers-outcome');
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();

    // Each job is pinned to its printer, and the scheduler sends it there: both simulators print the file.
    const jobs = (await team.operator.client.get(`/api/orgs/${team.orgId}/jobs?status=all`)).body.jobs as {
      id: string;
      name: string;
      requirements: { pinnedPrinterId: string | null };
    }[];
    const pinned = jobs.filter((job) => job.name === 'benchy-pinned.gcode');
    expect(pinned.map((job) => job.requirements.pinnedPrinterId).sort()).toEqual(
      [team.printerA.id, team.printerB.id].sort(),
    );
    for (const job of pinned) {
      await waitFor(
        async () => {
          const copies = (await team.operator.client.get(`/api/orgs/${team.orgId}/jobs/${job.id}`)).body.copyList as {
            state: string;
            printerId: string;
          }[];
          return ['printing', 'awaiting_bed_clear', 'done'].includes(copies[0]!.state);
        },
        `the copy of ${job.id} printing`,
        60_000,
      );
      const copies = (await team.operator.client.get(`/api/orgs/${team.orgId}/jobs/${job.id}`)).body.copyList;
      expect(copies).toEqual([expect.objectContaining({ printerId: job.requirements.pinnedPrinterId })]);
    }

    const viewer = await newUser(browser, api.url);
    await signIn(viewer.page, team.viewer.email, `/orgs/${team.orgId}/printers`);
    await viewer.page.getByRole('article', { name: team.printerA.name }).waitFor();
    expect(await viewer.page.getByRole('checkbox').count()).toBe(0);
    expect(await viewer.page.getByRole('button', { name: /Print a file/ }).count()).toBe(0);

    expect(operator.errors).toEqual([]);
    expect(viewer.errors).toEqual([]);
    await Promise.all([operator.context.close(), viewer.context.close()]);
  });
});
