import { EventEmitter2 } from '@nestjs/event-emitter';
import { TEST_PASSWORD, createTeam, insertPrinter, uniqueEmail } from '@farmhand/factories';
import type { Status } from '@farmhand/protocol';
import { startApi, type ApiHarness } from '@farmhand/testing';
import type { Browser } from 'playwright-core';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signUp } from './browser-harness';

const JOBS = ['bracket_v3.gcode', 'gear-housing.gcode', 'cable-clip_x40.gcode', 'enclosure-lid.gcode', 'hinge.gcode'];

function status(step: number, overrides: Partial<Status> = {}): Status {
  return {
    state: 'printing',
    stateText: 'Printing',
    backend: 'ok',
    temperatures: { tool0: { actual: 214.6 - (step % 3), target: 215 }, bed: { actual: 60.2, target: 60 } },
    job: { fileName: JOBS[step % JOBS.length]! },
    progress: (step * 13.7) % 100,
    printTime: 600 + step * 60,
    printTimeLeft: 300 + step * 420,
    z: 2,
    error: null,
    sentAt: Date.now(),
    ...overrides,
  };
}

/** A realistic mix of states for the printers of a farm, sent as the agents' events would be. */
function animate(api: ApiHarness, orgId: string, printers: Array<{ id: string }>): void {
  const events = api.app.get(EventEmitter2);
  printers.forEach((printer, index) => {
    if (index % 8 === 7) return; // offline: no agent connected
    events.emit('printer.online', { orgId, printerId: printer.id });
    const overrides: Partial<Status> =
      index % 8 === 5
        ? { state: 'paused', stateText: 'Paused' }
        : index % 8 === 6
          ? { state: 'operational', stateText: 'Operational', job: null, progress: null, printTimeLeft: null }
          : index === 4
            ? {
                state: 'error',
                stateText: 'Error',
                job: null,
                progress: null,
                printTimeLeft: null,
                error: 'Thermal runaway on tool0: heater stopped',
              }
            : {};
    events.emit('printer.status', { orgId, printerId: printer.id, status: status(index, overrides) });
  });
}

describe('the dashboard in a browser', () => {
  let api: ApiHarness;
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuild();
    api = await startApi();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('an admin signs up, creates fleets and invites a viewer, who sees the fleet without controls and whom the API refuses', async () => {
    const admin = await newUser(browser, api.url);
    await admin.page.goto('/');
    await admin.page.waitForURL('**/sign-in');
    await screenshot(admin.page, 'sign-in');
    await admin.page.getByRole('link', { name: 'Create an account' }).click();
    await signUp(admin.page, 'Ada Admin', uniqueEmail('admin'), 'Acme Print Farm');
    await admin.page.waitForURL('**/fleets');
    const orgId = /\/orgs\/([^/]+)\//.exec(admin.page.url())![1]!;

    for (const name of ['Hall A', 'Hall B', 'Prototyping']) {
      await admin.page.getByLabel('Fleet name').fill(name);
      await admin.page.getByRole('button', { name: 'Create fleet' }).click();
      await admin.page.getByRole('link', { name }).waitFor();
    }
    const fleets: Array<{ id: string; name: string }> = await (
      await admin.context.request.get(`/api/orgs/${orgId}/fleets`)
    ).json();
    const printers = [];
    for (let index = 0; index < 24; index++) {
      const fleet = fleets[index % 3]!;
      printers.push(
        await insertPrinter(api, orgId, fleet.id, {
          name: `${fleet.name.split(' ').at(-1)}-${String(index + 1).padStart(2, '0')}`,
          model: index % 2 ? 'Prusa MK4' : 'Bambu X1C',
          tags: index % 4 === 0 ? ['petg'] : ['pla'],
        }),
      );
    }
    await screenshot(admin.page, 'fleets');

    // The grid, live.
    await admin.page.getByRole('link', { name: 'Printers' }).click();
    await admin.page.getByRole('article').first().waitFor();
    animate(api, orgId, printers);
    await admin.page.getByText('gear-housing.gcode').first().waitFor();
    expect(await admin.page.getByRole('article').count()).toBe(24);
    await screenshot(admin.page, 'fleet-grid');

    // Filter by state, then select and ask for a bulk pause: the confirmation names how many printers.
    await admin.page.getByRole('button', { name: /^Printing/ }).click();
    const printing = await admin.page.getByRole('article').count();
    await admin.page.getByLabel('Select all shown').check();
    await admin.page.getByRole('button', { name: /^Pause \(/ }).click();
    await admin.page.getByRole('dialog').getByText(`Pause ${printing} printers?`).waitFor();
    await screenshot(admin.page, 'bulk-pause-confirmation');
    // The command reaches the control endpoint; with no agent connected each printer answers why it did not pause.
    await admin.page
      .getByRole('dialog')
      .getByRole('button', { name: `Pause ${printing} printers` })
      .click();
    await admin.page
      .getByRole('status')
      .filter({ hasText: `Paused 0 printers; ${printing} failed` })
      .waitFor();
    await screenshot(admin.page, 'bulk-pause-result');
    await admin.page.getByRole('button', { name: 'Clear selection' }).click();
    await admin.page.getByRole('button', { name: /^All/ }).click();

    // Printer detail.
    await admin.page.getByRole('link', { name: printers[0]!.name, exact: true }).click();
    await admin.page.getByRole('heading', { name: printers[0]!.name }).waitFor();
    await admin.page.getByRole('button', { name: 'Pause' }).waitFor();
    await screenshot(admin.page, 'printer-detail', true);
    await admin.page.getByRole('button', { name: 'Rotate' }).click();
    await admin.page.getByRole('dialog').getByRole('button', { name: 'Rotate credential' }).click();
    expect(await admin.page.getByLabel('New agent credential').inputValue()).toMatch(/^fh_agent_/);

    // Invite a viewer.
    await admin.page.getByRole('link', { name: 'Team' }).click();
    const viewerEmail = uniqueEmail('viewer');
    await admin.page.getByLabel('Email', { exact: true }).fill(viewerEmail);
    await admin.page.getByLabel('Role', { exact: true }).selectOption('viewer');
    await admin.page.getByRole('button', { name: 'Create invitation' }).click();
    const link = await admin.page.getByLabel(`Invitation link for ${viewerEmail}`).inputValue();
    expect(link).toMatch(/\/invitations\/fh_inv_/);
    await screenshot(admin.page, 'team', true);

    // The viewer accepts: sign up from the invitation, come back, accept.
    const viewer = await newUser(browser, api.url);
    await viewer.page.goto(new URL(link).pathname);
    await viewer.page.getByRole('heading', { name: 'Join Acme Print Farm' }).waitFor();
    await screenshot(viewer.page, 'invitation');
    await viewer.page.getByRole('link', { name: 'Create account' }).click();
    await signUp(viewer.page, 'Vic Viewer', viewerEmail);
    await viewer.page.getByRole('button', { name: 'Accept invitation' }).click();
    await viewer.page.waitForURL(`**/orgs/${orgId}/printers`);

    // Sees the fleet, with no way to act on it.
    await viewer.page.getByRole('article').first().waitFor();
    expect(await viewer.page.getByRole('article').count()).toBe(24);
    expect(await viewer.page.getByRole('checkbox', { name: /^Select / }).count()).toBe(0);
    expect(await viewer.page.getByRole('region', { name: 'Bulk actions' }).count()).toBe(0);
    await screenshot(viewer.page, 'fleet-grid-viewer');
    await viewer.page.getByRole('link', { name: printers[1]!.name, exact: true }).click();
    await viewer.page.getByRole('heading', { name: 'Capabilities' }).waitFor();
    expect(await viewer.page.getByRole('heading', { name: 'Controls' }).count()).toBe(0);
    expect(await viewer.page.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
    expect(await viewer.page.getByRole('heading', { name: 'Agent credentials' }).count()).toBe(0);
    await viewer.page.getByRole('link', { name: 'Fleets' }).click();
    await viewer.page.getByRole('link', { name: 'Hall A' }).waitFor();
    expect(await viewer.page.getByRole('button', { name: /Create fleet|Rename|Delete/ }).count()).toBe(0);
    expect(await viewer.page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);

    // And the API refuses what the page hides.
    const refused = await viewer.page.evaluate(
      async ({ orgId, printerId }) => {
        const post = (path: string, method = 'POST') =>
          fetch(path, {
            method,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name: 'Nope' }),
          }).then((r) => r.status);
        return {
          createFleet: await post(`/api/orgs/${orgId}/fleets`),
          renamePrinter: await post(`/api/orgs/${orgId}/printers/${printerId}`, 'PATCH'),
          pause: await post(`/api/orgs/${orgId}/printers/${printerId}/actions/pause`),
          rotate: await post(`/api/orgs/${orgId}/printers/${printerId}/credentials/rotate`),
        };
      },
      { orgId, printerId: printers[1]!.id },
    );
    expect(refused.createFleet).toBe(403);
    expect(refused.renamePrinter).toBe(403);
    expect(refused.pause).toBe(403);
    expect(refused.rotate).toBe(403);

    // The audit log shows the story, including the refusals.
    await admin.page.getByRole('link', { name: 'Audit log' }).click();
    await admin.page.getByRole('cell', { name: 'invitation.accepted' }).waitFor();
    await admin.page.getByLabel('Result').selectOption('denied');
    await admin.page.getByRole('button', { name: 'Apply' }).click();
    await admin.page.getByRole('cell', { name: 'denied' }).first().waitFor();
    await admin.page.getByRole('button', { name: 'Reset' }).click();
    await admin.page.getByRole('cell', { name: 'invitation.accepted' }).waitFor();
    await screenshot(admin.page, 'audit-log');

    // A tablet held beside a printer.
    const tablet = await newUser(browser, api.url, { width: 800, height: 1180 });
    await tablet.context.addCookies(await admin.context.cookies());
    await tablet.page.goto(`/orgs/${orgId}/printers`);
    await tablet.page.getByRole('article').first().waitFor();
    await screenshot(tablet.page, 'fleet-grid-tablet');

    expect(admin.errors).toEqual([]);
    expect(viewer.errors).toEqual([]);
    await Promise.all([admin.context.close(), viewer.context.close(), tablet.context.close()]);
  });

  it('an operator limited to one fleet sees only that fleet', async () => {
    const team = await createTeam(api, 'Limited farm');
    const extraB = await insertPrinter(api, team.orgId, team.fleetB, { name: 'Limited farm B2' });
    const operator = await newUser(browser, api.url);
    await operator.page.goto(`/orgs/${team.orgId}/printers`);
    await operator.page.waitForURL('**/sign-in?next=*');
    await operator.page.getByLabel('Email').fill(team.fleetOperator.email);
    await operator.page.getByLabel('Password').fill(TEST_PASSWORD);
    await operator.page.getByRole('button', { name: 'Sign in' }).click();
    await operator.page.waitForURL(`**/orgs/${team.orgId}/printers`);
    await operator.page.getByRole('article').first().waitFor();
    animate(api, team.orgId, [team.printerA, team.printerB, extraB]);
    await operator.page.getByText(JOBS[0]!).waitFor();

    const names = await operator.page.locator('.printer-name').allTextContents();
    expect(names).toEqual([team.printerA.name]);
    const fleetOptions = await operator.page.getByLabel('Fleet').locator('option').allTextContents();
    expect(fleetOptions).toEqual(['All fleets', 'Fleet A']);
    // Their own fleet's printer can be selected for control.
    expect(await operator.page.getByRole('checkbox', { name: `Select ${team.printerA.name}` }).count()).toBe(1);

    // A printer of the other fleet does not exist for them, even by URL.
    await operator.page.goto(`/orgs/${team.orgId}/printers/${team.printerB.id}`);
    await operator.page.getByText('Printer not found').waitFor();
    expect(operator.errors).toEqual([]);
    await operator.context.close();
  });
});
