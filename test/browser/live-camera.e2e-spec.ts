import { CAMERA_LIMITS } from '@farmhand/dashboard';
import { TEST_PASSWORD, createTeam, issueAgentCredential, type Team } from '@farmhand/factories';
import { waitFor, startApi, type ApiHarness } from '@farmhand/testing';
import type { Browser, Page } from 'playwright-core';
import type { AgentRuntime } from '../../apps/agent/src/runtime/agent-runtime';
import type { OctoPrintFarm } from '../../apps/printer-sim/src/octoprint/octoprint-farm';
import { startAgent, startFarm } from '../agents/agent-harness';
import { ensureWebBuild, launchBrowser, newUser, screenshot } from './browser-harness';

/** The printer page's live view, as a viewer uses it; start and stop are checked at the agent. */
describe('live camera in the browser', () => {
  let api: ApiHarness;
  let browser: Browser;
  let team: Team;
  let farm: OctoPrintFarm;
  let agent: AgentRuntime;

  beforeAll(async () => {
    ensureWebBuild();
    api = await startApi();
    browser = await launchBrowser();
    team = await createTeam(api, 'Camera farm');
    farm = await startFarm(1);
    agent = await startAgent(api.url, farm, 0, await issueAgentCredential(api, team.printerA));
    await waitFor(() => agent.link.connected, 'agent connected');
  });
  afterAll(async () => {
    await agent?.stop();
    await farm?.stop();
    await browser?.close();
    await api?.close();
  });

  async function signIn(page: Page, email: string, path: string): Promise<void> {
    await page.goto(path);
    await page.waitForURL('**/sign-in?next=*');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`**${path}`);
  }

  const framesShown = (page: Page) =>
    page
      .locator('.live-camera')
      .getAttribute('data-frames')
      .then((value) => Number(value ?? 0));

  it('a viewer watches live, opens a frame full size, and the agent stops after they stop or leave', async () => {
    const viewer = await newUser(browser, api.url);
    const path = `/orgs/${team.orgId}/printers/${team.printerA.id}`;
    await signIn(viewer.page, team.viewer.email, path);
    await viewer.page.getByRole('heading', { name: 'Live camera' }).waitFor();
    expect(agent.camera.streaming).toBe(false);

    await viewer.page.getByRole('button', { name: 'Watch live' }).click();
    await viewer.page.getByRole('img', { name: `Live camera of ${team.printerA.name}` }).waitFor();
    await waitFor(async () => (await framesShown(viewer.page)) >= 3, 'three frames shown');
    expect(agent.camera.streaming).toBe(true);
    await viewer.page.getByText(`Live · ${CAMERA_LIMITS.defaultFps} fps`).waitFor();
    await screenshot(viewer.page, 'live-camera');

    await viewer.page.getByRole('button', { name: `Open Live camera of ${team.printerA.name} full size` }).click();
    const dialog = viewer.page.getByRole('dialog', { name: `${team.printerA.name}, live` });
    await dialog.getByRole('img', { name: `Live camera of ${team.printerA.name}, full size` }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await viewer.page.getByRole('button', { name: 'Stop live view' }).click();
    await waitFor(() => !agent.camera.streaming, 'the agent to stop after "Stop live view"', CAMERA_LIMITS.leaseMs);

    // Leaving the page while watching stops the stream too.
    await viewer.page.getByRole('button', { name: 'Watch live' }).click();
    await waitFor(() => agent.camera.streaming, 'the stream to start again');
    await viewer.page.getByRole('link', { name: 'Printers' }).first().click();
    await viewer.page.waitForURL(`**/orgs/${team.orgId}/printers`);
    await waitFor(() => !agent.camera.streaming, 'the agent to stop after leaving the page', CAMERA_LIMITS.leaseMs);

    expect(viewer.errors).toEqual([]);
    await viewer.context.close();
  });

  it('the camera wall shows tiles of every readable printer; a tile opens the live view; leaving stops the stream', async () => {
    const viewer = await newUser(browser, api.url);
    const path = `/orgs/${team.orgId}/cameras`;
    await signIn(viewer.page, team.viewer.email, path);
    const wall = viewer.page.getByRole('list', { name: 'Camera wall' });
    await wall.getByRole('img', { name: `Camera of ${team.printerA.name}` }).waitFor();
    expect(agent.camera.streaming).toBe(true);
    // Printer B has no agent: its tile waits.
    await wall
      .getByRole('link', { name: `Watch ${team.printerB.name} live` })
      .getByText('No picture yet')
      .waitFor();
    await screenshot(viewer.page, 'camera-wall');

    await wall.getByRole('link', { name: `Watch ${team.printerA.name} live` }).click();
    await viewer.page.waitForURL(`**/printers/${team.printerA.id}?live=1`);
    await viewer.page.getByRole('img', { name: `Live camera of ${team.printerA.name}` }).waitFor();
    await viewer.page.getByRole('button', { name: 'Stop live view' }).click();
    await waitFor(
      () => !agent.camera.streaming,
      'the agent to stop after the wall and live view closed',
      CAMERA_LIMITS.leaseMs,
    );

    expect(viewer.errors).toEqual([]);
    await viewer.context.close();
  });

  it('a fleet-limited operator sees tiles of their fleet only', async () => {
    const operator = await newUser(browser, api.url);
    await signIn(operator.page, team.fleetOperator.email, `/orgs/${team.orgId}/cameras`);
    const wall = operator.page.getByRole('list', { name: 'Camera wall' });
    await wall.getByRole('img', { name: `Camera of ${team.printerA.name}` }).waitFor();
    expect(await wall.getByRole('listitem').count()).toBe(1);
    expect(operator.errors).toEqual([]);
    await operator.context.close();
    await waitFor(() => !agent.camera.streaming, 'the agent to stop after the page closed', CAMERA_LIMITS.leaseMs);
  });
});
