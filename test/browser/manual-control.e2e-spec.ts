import { createTeam, issueAgentCredential, type Team } from '@farmhand/factories';
import { startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import type { Browser } from 'playwright-core';
import type { AgentRuntime } from '../../apps/agent/src/runtime/agent-runtime';
import type { OctoPrintFarm } from '../../apps/printer-sim/src/octoprint/octoprint-farm';
import { startAgent, startFarm } from '../agents/agent-harness';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

/**
 * Manual control in the dashboard, against real agents and simulated OctoPrints: the printer page's panel (jog,
 * preheat, the G-code console with the agent's answers and refusals) and the grid's bulk home and cool down; a viewer
 * sees none of it. Every command takes the server's audited control path.
 */
describe('manual control', () => {
  let api: ApiHarness;
  let browser: Browser;
  let team: Team;
  let farm: OctoPrintFarm;
  const agents: AgentRuntime[] = [];

  beforeAll(async () => {
    ensureWebBuild();
    api = await startApi();
    team = await createTeam(api, 'Control farm');
    farm = await startFarm(2);
    for (const [index, printer] of [team.printerA, team.printerB].entries())
      agents.push(await startAgent(api.url, farm, index, await issueAgentCredential(api, printer)));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    for (const agent of agents) await agent.stop();
    await farm?.stop();
    await api?.close();
  });

  it('an operator jogs, preheats and talks G-code on the printer page, then homes and cools two printers from the grid; a viewer sees no controls', async () => {
    const operator = await newUser(browser, api.url);
    const { page } = operator;
    await signIn(page, team.operator.email, `/orgs/${team.orgId}/printers/${team.printerA.id}`);
    const panel = page.getByRole('region', { name: 'Manual control' });
    const jogX = panel.getByRole('button', { name: 'Jog X +10 mm' });
    await waitFor(async () => !(await jogX.isDisabled()), 'the printer ready for manual moves', 30_000);

    const console = panel.getByRole('list', { name: 'Console' });
    // A wait that fails says what the console answered (a refusal, an error) and where the head is.
    const moved = (check: () => boolean) => async () =>
      check() ||
      Promise.reject(
        new Error(`console: ${await console.innerText()}; head at ${JSON.stringify(farm.printer(0).position)}`),
      );
    await jogX.click();
    await waitFor(
      moved(() => farm.printer(0).position.x === 10),
      'the print head moved 10 mm',
    );
    await panel.getByRole('radio', { name: '1 mm', exact: true }).check();
    await panel.getByRole('button', { name: 'Jog Y −1 mm' }).click();
    await waitFor(
      moved(() => farm.printer(0).position.y === -1),
      'the print head moved -1 mm on Y',
    );

    await panel.getByRole('button', { name: 'Preheat PETG' }).click();
    await waitFor(() => farm.printer(0).tool0.target === 240 && farm.printer(0).bed.target === 80, 'PETG targets');

    await panel.getByLabel('G-code command').fill('M106 S128; G4 P0');
    await panel.getByRole('button', { name: 'Send' }).click();
    await console.getByText(/ok · lines 2/).waitFor();
    // The agent's blocklist refuses EEPROM writes; the console says so.
    await panel.getByLabel('G-code command').fill('M500');
    await panel.getByRole('button', { name: 'Send' }).click();
    await waitFor(async () => (await console.locator('.text-bad').count()) === 1, 'the refusal in the console');
    expect(await console.locator('.text-bad').textContent()).toMatch(/M500/);
    await screenshot(page, 'printer-manual-control', true);

    // The grid: select both printers, home them, cool them down.
    await page.goto(`/orgs/${team.orgId}/printers`);
    await page.getByRole('region', { name: 'Bulk actions' }).getByLabel('Select all shown').check();
    await page.getByRole('button', { name: 'Cool down (2)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cool down (2)' }).click();
    await page.getByText('Cool down: 2 printers').waitFor();
    expect(farm.printer(0).tool0.target).toBe(0);
    expect(farm.printer(1).bed.target).toBe(0);
    await page.getByRole('button', { name: 'Home (2)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Home X Y Z (2)' }).click();
    await page.getByText('Home X Y Z: 2 printers').waitFor();
    expect(farm.printer(0).position).toEqual({ x: 0, y: 0, z: 0 });

    // The same audited path as the API: each command is in the audit log with its actor.
    const audit = await team.owner.client.get(`/api/orgs/${team.orgId}/audit?limit=100`);
    expect(audit.status).toBe(200);
    const actions = (audit.body.entries as Array<{ action: string }>).map((entry) => entry.action);
    expect(actions).toEqual(
      expect.arrayContaining(['printer.jog', 'printer.temperature', 'printer.gcode', 'printer.home']),
    );

    // A viewer reads the page with no panel, and gets no bulk controls on the grid.
    const viewer = await newUser(browser, api.url);
    await signIn(viewer.page, team.viewer.email, `/orgs/${team.orgId}/printers/${team.printerA.id}`);
    await viewer.page.getByRole('heading', { name: 'Temperatures' }).waitFor();
    expect(await viewer.page.getByRole('region', { name: 'Manual control' }).count()).toBe(0);
    expect(await viewer.page.getByRole('button', { name: /Jog|Preheat|Cool down|Home|Send|Connect/ }).count()).toBe(0);
    await viewer.page.goto(`/orgs/${team.orgId}/printers`);
    await viewer.page.getByRole('article', { name: team.printerA.name }).waitFor();
    expect(await viewer.page.getByRole('checkbox').count()).toBe(0);

    expect(operator.errors).toEqual([]);
    expect(viewer.errors).toEqual([]);
    await Promise.all([operator.context.close(), viewer.context.close()]);
  });
});
