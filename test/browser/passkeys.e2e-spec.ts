import { signUpUser, TEST_PASSWORD, type SignedUpUser } from '@farmhand/factories';
import { freePort, startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import type { Browser } from 'playwright-core';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

/**
 * Issue 18: a person adds a passkey on their account page, signs out, and signs in with it alone ("Sign in with a
 * passkey"), in Chromium with its virtual authenticator (CDP `WebAuthn`, CTAP2, resident keys, user verification).
 * WebAuthn refuses an IP address as the relying party, so this api's public origin is `localhost`.
 */
describe('passkeys in the dashboard', () => {
  let api: ApiHarness;
  let browser: Browser;
  let person: SignedUpUser;
  let origin: string;

  beforeAll(async () => {
    ensureWebBuild();
    const port = await freePort();
    origin = `http://localhost:${port}`;
    api = await startApi({ PUBLIC_URL: origin }, { port });
    person = await signUpUser(api, { organizationName: 'Passkey farm' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('adds a passkey on the account page, signs out, and signs in with the passkey alone', async () => {
    const laptop = await newUser(browser, origin);
    const cdp = await laptop.context.newCDPSession(laptop.page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    const account = `/orgs/${person.orgId}/account`;
    await signIn(laptop.page, person.email, account);
    // The Two-factor section counts both factors: a passkey alone turns two-factor sign-in on.
    const twoFactor = laptop.page.getByRole('region', { name: 'Two-factor sign-in' });
    const factors = async () => (await twoFactor.locator('dl').innerText()).replace(/\s+/g, ' ').trim();
    await waitFor(
      async () => (await factors()) === 'Two-factor sign-in Off Authenticator app Off Passkeys 0 Add a passkey',
      'no second factor yet',
    );
    const form = laptop.page.getByRole('form', { name: 'Add a passkey' });
    await form.getByLabel('Passkey name').fill('Work laptop');
    await form.getByLabel('Your password (to add it)').fill(TEST_PASSWORD);
    await form.getByRole('button', { name: 'Add a passkey' }).click();
    await laptop.page.getByText('Passkey "Work laptop" added').waitFor();
    await laptop.page.getByRole('list', { name: 'Your passkeys' }).getByText('Work laptop').waitFor();
    await waitFor(
      async () => (await factors()) === 'Two-factor sign-in On Authenticator app Off Passkeys 1 Manage passkeys',
      'the passkey counted as a second factor',
    );
    await twoFactor.getByText(/authenticator app is optional next to your passkey/i).waitFor();
    await twoFactor.getByRole('link', { name: 'Manage passkeys' }).click();
    await laptop.page.waitForURL('**/account#passkeys');
    await screenshot(laptop.page, 'account-passkeys');

    await laptop.page.getByRole('button', { name: 'Sign out' }).first().click();
    await laptop.page.waitForURL('**/sign-in**');
    await laptop.page.getByText('Or sign in with a passkey').waitFor();
    await laptop.page.getByRole('button', { name: 'Use a passkey' }).click();
    await laptop.page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
    await laptop.page.goto(account);
    await laptop.page
      .getByRole('list', { name: 'Your passkeys' })
      .getByText(/last used/)
      .waitFor();

    // The password alone now owes the second factor, and the passkey answers it.
    await laptop.page.getByRole('button', { name: 'Sign out' }).first().click();
    await laptop.page.waitForURL('**/sign-in**');
    await laptop.page.getByLabel('Email').fill(person.email);
    await laptop.page.getByLabel('Password').fill(TEST_PASSWORD);
    await laptop.page.getByRole('button', { name: 'Sign in' }).click();
    await laptop.page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
    await laptop.page.getByRole('button', { name: 'Use a passkey' }).click();
    await laptop.page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));

    await laptop.page.goto(account);
    const log = laptop.page.getByRole('region', { name: 'Security log' });
    await log.getByText('passkey added').waitFor();
    expect(laptop.errors).toEqual([]);
    await laptop.context.close();
  });
});
