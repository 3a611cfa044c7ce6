import { createTeam, type Team } from '@farmhand/factories';
import { startApi, startTestOidcProvider, type ApiHarness, type TestOidcProvider } from '@farmhand/testing';
import type { Browser } from 'playwright-core';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

const DOMAIN = 'makerspace.example.org';

/** Single sign-on end to end in Chromium: an owner sets the provider up, a new member signs in through it. */
describe('single sign-on in the dashboard, through a real OpenID Connect provider', () => {
  let api: ApiHarness;
  let provider: TestOidcProvider;
  let browser: Browser;
  let team: Team;

  beforeAll(async () => {
    ensureWebBuild();
    api = await startApi({ OIDC_ALLOW_HTTP: 'true', OIDC_ALLOW_PRIVATE: 'true' });
    provider = await startTestOidcProvider([`${api.url}/api/auth/sso/callback`]);
    team = await createTeam(api, 'Makerspace');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await provider?.close();
    await api?.close();
  });

  it('the owner configures the provider on the team page; the secret is not shown back', async () => {
    const owner = await newUser(browser, api.url);
    const { page } = owner;
    await signIn(page, team.owner.email, `/orgs/${team.orgId}/team`);
    const form = page.getByRole('form', { name: 'Single sign-on settings' });
    await form.getByLabel('Provider name').fill('Makerspace ID');
    await form.getByLabel('Sign-in name').fill('makerspace');
    await form.getByLabel('Issuer URL').fill(provider.issuer);
    await form.getByLabel('Client ID').fill(provider.clientId);
    await form.getByLabel('Client secret').fill(provider.clientSecret);
    await form.getByLabel('Allowed email domains').fill(DOMAIN);
    await form.getByLabel('Role of new members').selectOption('operator');
    await form.getByRole('button', { name: 'Save single sign-on' }).click();
    await page.getByText('Single sign-on saved').waitFor();
    expect(await page.getByLabel('Sign-in link for members').inputValue()).toBe(`${api.url}/sign-in/sso/makerspace`);
    expect(await page.getByLabel('Redirect URI to register at your provider').inputValue()).toBe(
      `${api.url}/api/auth/sso/callback`,
    );
    expect(await form.getByLabel('Client secret').inputValue()).toBe('');
    expect(await page.content()).not.toContain(provider.clientSecret);
    await screenshot(page, 'sso-settings', true);
    expect(owner.errors).toEqual([]);
    await owner.context.close();
  });

  it('a new member finds the provider by email, signs in there and lands in the organization', async () => {
    const email = `ada@${DOMAIN}`;
    await provider.addPerson({ sub: 'ada-sub', email, name: 'Ada Maker' });
    const member = await newUser(browser, api.url);
    const { page } = member;
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Use single sign-on (SSO)' }).click();
    await page.getByLabel('Work email or organization sign-in name').fill(email);
    await page.getByRole('button', { name: 'Find my sign-in' }).click();
    await page.getByRole('link', { name: 'Sign in with Makerspace ID' }).click();

    // The provider's own login page, on its own origin.
    await page.waitForURL(`${provider.issuer}/interaction/**`);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.waitForURL(`${api.url}/orgs/${team.orgId}/printers`);
    await page.getByRole('article', { name: 'Makerspace A1' }).waitFor();
    await screenshot(page, 'sso-signed-in');
    expect(member.errors).toEqual([]);
    await member.context.close();
  });

  it("the organization's sign-in link, and a refusal explained on the sign-in page", async () => {
    await provider.addPerson({ sub: 'eve-sub', email: `eve@${DOMAIN}`, email_verified: false });
    const visitor = await newUser(browser, api.url);
    const { page } = visitor;
    await page.goto('/sign-in/sso/makerspace');
    await page.getByRole('link', { name: 'Sign in with Makerspace ID' }).click();
    await page.waitForURL(`${provider.issuer}/interaction/**`);
    await page.getByLabel('Email').fill(`eve@${DOMAIN}`);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${api.url}/sign-in?sso_error=sso_email_unverified`);
    await page.getByText('Your identity provider has not verified your email address.').waitFor();
    await visitor.context.close();
  });
});
