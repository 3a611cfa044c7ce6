import { createTeam, type Team } from '@farmhand/factories';
import { startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import type { Browser } from 'playwright-core';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

/**
 * The organization settings page: an admin renames the organization and sets the defaults for new printers, for the
 * organization and for one fleet; a viewer reads the same page with every field read-only and nothing to save.
 */
describe('organization settings', () => {
  let api: ApiHarness;
  let browser: Browser;
  let team: Team;

  beforeAll(async () => {
    ensureWebBuild();
    api = await startApi();
    team = await createTeam(api, 'Settings farm');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('an admin renames the organization and sets organization and fleet defaults; a viewer reads them only', async () => {
    const admin = await newUser(browser, api.url);
    const { page } = admin;
    await signIn(page, team.admin.email, `/orgs/${team.orgId}/settings`);
    await page.getByRole('heading', { name: 'Settings' }).waitFor();

    await page.getByLabel('Organization name').fill('Settings farm east');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByText('Renamed to Settings farm east.').waitFor();

    await page.getByLabel('Default material').fill('PETG');
    await page.getByLabel('Auto-pause on failure').selectOption('on');
    await page.getByLabel('Detection sensitivity').fill('1.1');
    await page.getByLabel('Frame interval (seconds)').fill('15');
    await page.getByRole('button', { name: 'Save defaults' }).click();
    await page.getByText(/Defaults saved/).waitFor();

    await page.getByLabel('Applies to').selectOption({ label: 'Fleet B' });
    await page.getByLabel('Default material').fill('ASA');
    await page.getByLabel('Bed-clear gate').selectOption('off');
    await page.getByRole('button', { name: 'Save defaults' }).click();
    await page.getByText(/Defaults saved/).waitFor();
    await screenshot(page, 'organization-settings', true);

    const saved = await team.owner.client.get(`/api/orgs/${team.orgId}/printer-defaults`);
    expect(saved.body.organization).toMatchObject({ material: 'PETG', autoPause: true, frameIntervalSeconds: 15 });
    expect(saved.body.organization.sensitivity).toBeCloseTo(1.1, 5);
    expect(saved.body.fleets).toEqual([
      expect.objectContaining({ fleetId: team.fleetB, material: 'ASA', bedClearGate: false }),
    ]);
    expect((await team.owner.client.get(`/api/orgs/${team.orgId}`)).body.name).toBe('Settings farm east');

    // A rejected value is named beside its field.
    await page.getByLabel('Detection sensitivity').fill('3');
    await page.getByRole('button', { name: 'Save defaults' }).click();
    await page.getByText('sensitivity must be between 0.8 and 1.2').waitFor();

    const viewer = await newUser(browser, api.url);
    await signIn(viewer.page, team.viewer.email, `/orgs/${team.orgId}/settings`);
    await viewer.page.getByText('Only owners and admins change these.').waitFor();
    await waitFor(async () => (await viewer.page.getByLabel('Default material').inputValue()) === 'PETG', 'defaults');
    expect(await viewer.page.getByLabel('Default material').isDisabled()).toBe(true);
    expect(await viewer.page.getByLabel('Auto-pause on failure').isDisabled()).toBe(true);
    expect(await viewer.page.getByLabel('Organization name').getAttribute('readonly')).not.toBeNull();
    expect(await viewer.page.getByRole('button', { name: /Save/ }).count()).toBe(0);
    await screenshot(viewer.page, 'organization-settings-viewer', true);

    expect(admin.errors.filter((error) => !/400/.test(error))).toEqual([]);
    expect(viewer.errors).toEqual([]);
    await Promise.all([admin.context.close(), viewer.context.close()]);
  });
});
