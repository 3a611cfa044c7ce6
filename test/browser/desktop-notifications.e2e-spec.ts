import { createTeam, type Team } from '@farmhand/factories';
import { startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import type { Browser, Page } from 'playwright-core';
import { generateVAPIDKeys } from 'web-push';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

const VAPID = generateVAPIDKeys();

/** The browser's globals this test reads (the server tsconfig has no DOM library). */
interface BrowserScope {
  navigator: {
    serviceWorker: {
      getRegistration(scope: string): Promise<
        | {
            scope: string;
            active: { scriptURL: string } | null;
            getNotifications(): Promise<Array<{ title: string; body: string; data: unknown; image: string }>>;
          }
        | undefined
      >;
    };
  };
  Notification: { permission: string };
}

interface ShownNotification {
  title: string;
  body: string;
  url: string;
  image: string;
}

/** The notifications /sw.js shows right now, as the browser lists them (ServiceWorkerRegistration.getNotifications). */
function shownNotifications(page: Page): Promise<ShownNotification[]> {
  return page.evaluate(async () => {
    const registration = await (globalThis as unknown as BrowserScope).navigator.serviceWorker.getRegistration('/');
    const shown = (await registration?.getNotifications()) ?? [];
    return shown.map((notification) => ({
      title: notification.title,
      body: notification.body,
      url: (notification.data as { url: string }).url,
      image: notification.image,
    }));
  });
}

/**
 * Browser push in Chromium, what can and cannot be tested offline (investigated, docs/notifications.md says the same):
 * `pushManager.subscribe` needs Google's push service (FCM) to register the browser. In Playwright's default
 * (incognito) context Chromium refuses it at once ("Registration failed - permission denied": no push in incognito);
 * in a persistent profile it waits for FCM, which this sandbox cannot reach, and never settles. So this test does not
 * subscribe Chromium to a push service. It checks what runs in the browser: the dashboard's control asks for the
 * permission and registers /sw.js at scope / under the api's Content-Security-Policy, and a push message delivered
 * through the DevTools protocol (`ServiceWorker.deliverPushMessage`, the payload the browser would have decrypted)
 * is shown by the service worker as a notification with its title, body and a same-origin link. The encryption and
 * the VAPID signature are checked on the wire in test/notifications/push-delivery.medium-spec.ts.
 */
describe('desktop notifications in Chromium', () => {
  let api: ApiHarness;
  let browser: Browser;
  let team: Team;

  beforeAll(async () => {
    ensureWebBuild();
    api = await startApi({ VAPID_PUBLIC_KEY: VAPID.publicKey, VAPID_PRIVATE_KEY: VAPID.privateKey });
    team = await createTeam(api, 'Desktop push farm');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('the control registers /sw.js, and a delivered push message is shown as a notification', async () => {
    const viewer = await newUser(browser, api.url);
    await viewer.context.grantPermissions(['notifications'], { origin: api.url });
    await signIn(viewer.page, team.viewer.email, `/orgs/${team.orgId}/account`);
    const section = viewer.page.getByRole('region', { name: 'Desktop notifications' });
    const enable = section.getByRole('button', { name: 'Enable desktop notifications' });
    await waitFor(() => enable.isEnabled(), 'the control is ready once the VAPID key is loaded');
    await enable.click();

    // Offline, Chromium cannot subscribe (see above): the person is told, nothing pretends it worked.
    await section.getByRole('alert').waitFor();
    expect(await section.getByRole('alert').textContent()).toMatch(
      /could not subscribe with its push service \(Registration failed/,
    );
    const registration = await viewer.page.evaluate(async () => {
      const browserScope = globalThis as unknown as BrowserScope;
      const found = await browserScope.navigator.serviceWorker.getRegistration('/');
      return {
        scope: found?.scope,
        script: found?.active?.scriptURL,
        permission: browserScope.Notification.permission,
      };
    });
    expect(registration).toEqual({ scope: `${api.url}/`, script: `${api.url}/sw.js`, permission: 'granted' });
    await screenshot(viewer.page, 'account-desktop-notifications', true);

    // The message a push service would bring (already decrypted by the browser), delivered through the DevTools protocol.
    const cdp = await viewer.context.newCDPSession(viewer.page);
    const registrationIds: string[] = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      for (const entry of registrations as Array<{ registrationId: string; scopeURL: string }>)
        if (entry.scopeURL === `${api.url}/`) registrationIds.push(entry.registrationId);
    });
    await cdp.send('ServiceWorker.enable');
    const registrationId = await waitFor(() => registrationIds[0], 'the service worker registration is listed');
    const deliver = (message: Record<string, string>) =>
      cdp.send('ServiceWorker.deliverPushMessage', {
        origin: api.url,
        registrationId,
        data: JSON.stringify(message),
      });

    await deliver({
      event: 'alert.raised',
      title: 'Spaghetti on Printer A',
      body: 'The detector paused the print.',
      url: `/orgs/${team.orgId}/alerts`,
      frameUrl: '/api/frames/signed/abc',
    });
    const [alert] = await waitFor(
      async () => ((await shownNotifications(viewer.page)).length === 1 ? shownNotifications(viewer.page) : null),
      'the service worker shows the notification',
    );
    expect(alert).toEqual({
      title: 'Spaghetti on Printer A',
      body: 'The detector paused the print.',
      url: `${api.url}/orgs/${team.orgId}/alerts`,
      image: `${api.url}/api/frames/signed/abc`,
    });

    // Open redirect through a notification: a link to another origin opens the dashboard instead.
    await deliver({ event: 'print.done', title: 'Benchy done', body: 'On Printer B', url: 'https://evil.example/x' });
    const done = await waitFor(
      async () => (await shownNotifications(viewer.page)).find((shown) => shown.title === 'Benchy done'),
      'the second notification is shown',
    );
    expect(done.url).toBe(`${api.url}/`);
    await cdp.detach();
    await viewer.context.close();
  });
});
