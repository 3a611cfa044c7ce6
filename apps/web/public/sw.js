/* Farmhand's service worker: desktop notifications from Web Push (docs/notifications.md, "Browser push").
 * Plain JavaScript served as is from the dashboard's origin at /sw.js (scope /), so the api's Content-Security-Policy
 * (worker-src falls back to script-src 'self') allows it. It caches nothing and handles no fetches. */

/** Only this origin's pages are opened from a notification: a message cannot send anyone elsewhere. */
function sameOriginUrl(raw) {
  try {
    const url = new URL(raw || '/', self.location.origin);
    return url.origin === self.location.origin ? url.href : self.location.origin + '/';
  } catch {
    return self.location.origin + '/';
  }
}

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { body: event.data ? event.data.text() : '' };
  }
  const title = typeof message.title === 'string' && message.title ? message.title : 'Farmhand';
  const options = {
    body: typeof message.body === 'string' ? message.body : '',
    tag: typeof message.event === 'string' ? message.event : undefined,
    data: { url: sameOriginUrl(message.url) },
    icon: '/favicon.svg',
  };
  if (typeof message.frameUrl === 'string') options.image = sameOriginUrl(message.frameUrl);
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = sameOriginUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (new URL(client.url).origin === self.location.origin && 'focus' in client) {
          return client.focus().then((focused) => (focused && 'navigate' in focused ? focused.navigate(url) : focused));
        }
      }
      return self.clients.openWindow(url);
    }),
  );
});
