import { startApi, type ApiHarness } from '@farmhand/testing';
import type { Browser, Locator } from 'playwright-core';
import { launchBrowser, newUser, screenshot } from './browser-harness';

/** The API's documentation as a reader sees it: Swagger UI from this server, under its Content-Security-Policy. */
describe('the API documentation in a browser', () => {
  let api: ApiHarness;
  let browser: Browser;

  beforeAll(async () => {
    api = await startApi();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('renders every tag and its operations with no CSP violation or script error', async () => {
    const { context, page, errors } = await newUser(browser, api.url);
    const remote: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(api.url) && !request.url().startsWith('data:')) remote.push(request.url());
    });
    await page.goto('/api/docs');
    await page.getByRole('heading', { name: /Farmhand API/ }).waitFor();
    // Swagger UI draws its operations in a virtual list: scroll until the jobs tag (well down the page) is drawn.
    const drawn = async (locator: Locator) => {
      for (let tries = 0; tries < 100 && (await locator.count()) === 0; tries++) await page.mouse.wheel(0, 600);
      await locator.first().scrollIntoViewIfNeeded();
      return locator.first();
    };
    await drawn(page.locator('#operations-tag-jobs'));
    // An operation opens with its error codes, from the document.
    await (await drawn(page.locator('.opblock-summary-path', { hasText: '/api/orgs/{orgId}/jobs/{jobId}' }))).click();
    await page.getByText('job_not_found').first().waitFor();
    await screenshot(page, 'api-docs', true);
    expect(errors).toEqual([]);
    expect(remote).toEqual([]);
    await context.close();
  });
});
