import { createTeam, TEST_PASSWORD, type Team } from '@farmhand/factories';
import { startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import { generate } from 'otplib';
import type { Browser } from 'playwright-core';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

/** A code of the authenticator `offsetSteps` 30-second steps from now, as the person's phone would show it. */
const codeAt = (secret: string, offsetSteps = 0) =>
  generate({ secret, period: 30, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

/** Issue 18: a person turns on two-factor sign-in from their account page, then signs in with it on another device. */
describe('two-factor sign-in in the dashboard', () => {
  let api: ApiHarness;
  let browser: Browser;
  let team: Team;

  beforeAll(async () => {
    ensureWebBuild();
    api = await startApi();
    team = await createTeam(api, 'Two-step farm');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('enrols TOTP with the QR code, gets recovery codes once, and signs in with a code', async () => {
    const laptop = await newUser(browser, api.url);
    await signIn(laptop.page, team.admin.email, `/orgs/${team.orgId}/account`);
    await laptop.page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await laptop.page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const secret = (await laptop.page.getByTestId('totp-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await laptop.page.getByLabel('Code from the app').fill(await codeAt(secret));
    await laptop.page.getByLabel('Your password', { exact: true }).fill(TEST_PASSWORD);
    await laptop.page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    const codes = laptop.page.getByRole('region', { name: 'Recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    const factors = laptop.page.getByRole('region', { name: 'Two-factor sign-in' }).locator('dl');
    await waitFor(
      async () =>
        (await factors.innerText()).replace(/\s+/g, ' ').trim() ===
        'Two-factor sign-in On Authenticator app On Passkeys 0 Add a passkey',
      'the authenticator app counted as the second factor',
    );
    await screenshot(laptop.page, 'account-two-factor-recovery-codes', true);

    // Another device: the password alone leads to the second step, and a fresh code signs in.
    const phone = await newUser(browser, api.url);
    await phone.page.goto(`/orgs/${team.orgId}/printers`);
    await phone.page.waitForURL('**/sign-in?next=*');
    await phone.page.getByLabel('Email').fill(team.admin.email);
    await phone.page.getByLabel('Password').fill(TEST_PASSWORD);
    await phone.page.getByRole('button', { name: 'Sign in' }).click();
    await phone.page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
    await phone.page.getByLabel('Authentication code').fill('000000');
    await phone.page.getByRole('button', { name: 'Verify' }).click();
    await phone.page.getByText('That code is not right').waitFor();
    await phone.page.getByLabel('Authentication code').fill(await codeAt(secret, 1));
    await phone.page.getByRole('button', { name: 'Verify' }).click();
    await phone.page.waitForURL(`**/orgs/${team.orgId}/printers`);

    // Back on the laptop: three sessions (the API sign-up's, the laptop's, the phone's), and the log says what happened.
    await laptop.page.reload();
    const sessions = laptop.page.getByRole('region', { name: 'Where you are signed in' }).getByRole('row');
    await laptop.page.getByRole('cell', { name: /this session/ }).waitFor();
    expect(await sessions.count()).toBe(4);
    const log = laptop.page.getByRole('region', { name: 'Security log' });
    await log.getByText('two factor enabled').waitFor();
    await log.getByText('second factor failed').waitFor();
    await laptop.page.getByRole('button', { name: 'Sign out all other sessions' }).click();
    await laptop.page.getByText('Signed out of 2 other sessions').waitFor();
    await phone.page.reload();
    await phone.page.waitForURL('**/sign-in?next=*');

    expect(laptop.errors).toEqual([]);
    expect(phone.errors).toEqual([]);
    await Promise.all([laptop.context.close(), phone.context.close()]);
  });
});
