import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Feedback } from '../../components/feedback';
import { client, unwrap } from '../../lib/api';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';

/** The server's VAPID public key (null: push is not configured on this server). */
export function usePushKey() {
  const { org } = useOrg();
  return useQuery({
    queryKey: [...queryKeys.org(org.id).all, 'push-key'] as const,
    queryFn: () =>
      unwrap(client.GET('/api/orgs/{orgId}/push-subscriptions/key', { params: { path: { orgId: org.id } } })),
    staleTime: Infinity,
  });
}

/** Whether this browser can receive Web Push at all (a service worker, the Push API and notifications). */
export function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let index = 0; index < text.length; index += 1) bytes[index] = text.charCodeAt(index);
  return bytes;
}

export type BrowserPushState = 'unsupported' | 'blocked' | 'off' | 'on';
const BROWSER_PUSH_KEY = ['browser', 'push-state'] as const;

/** Whether this browser is subscribed (read from the browser itself, not the server: subscriptions are per browser). */
export function useBrowserPushState() {
  return useQuery({
    queryKey: BROWSER_PUSH_KEY,
    queryFn: async (): Promise<BrowserPushState> => {
      if (!pushSupported()) return 'unsupported';
      if (Notification.permission === 'denied') return 'blocked';
      return (await currentSubscription()) ? 'on' : 'off';
    },
  });
}

export function useRefreshBrowserPushState() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: BROWSER_PUSH_KEY });
}

/** This browser's current subscription, if the service worker is registered and subscribed. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  const registration = await navigator.serviceWorker.getRegistration('/');
  return (await registration?.pushManager.getSubscription()) ?? null;
}

/** Asks for permission, registers /sw.js, subscribes with the server's key and tells the server. */
export function useEnablePush(feedback: Feedback, onChanged: () => void) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: async (publicKey: string) => {
      const permission = await Notification.requestPermission();
      if (permission !== 'granted')
        throw new Error('This browser does not allow notifications from Farmhand (see the site settings)');
      await navigator.serviceWorker.register('/sw.js', { scope: '/' });
      const registration = await navigator.serviceWorker.ready;
      // The browser registers with its vendor's push service here: refused in private windows, and never settles
      // where that service cannot be reached.
      const subscription = await registration.pushManager
        .subscribe({ userVisibleOnly: true, applicationServerKey: applicationServerKey(publicKey) })
        .catch((error: unknown) => {
          throw new Error(
            `This browser could not subscribe with its push service (${error instanceof Error ? error.message : String(error)}); private windows cannot receive push`,
          );
        });
      const json = subscription.toJSON();
      return unwrap(
        client.POST('/api/orgs/{orgId}/push-subscriptions', {
          params: { path: { orgId: org.id } },
          body: {
            endpoint: subscription.endpoint,
            keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
          },
        }),
      );
    },
    feedback,
    success: () => 'Desktop notifications are on in this browser',
    onSuccess: onChanged,
  });
}

export function useDisablePush(feedback: Feedback, onChanged: () => void) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: async () => {
      const subscription = await currentSubscription();
      if (!subscription) return;
      await unwrap(
        client.DELETE('/api/orgs/{orgId}/push-subscriptions', {
          params: { path: { orgId: org.id } },
          body: { endpoint: subscription.endpoint },
        }),
      ).catch(() => undefined);
      await subscription.unsubscribe();
    },
    feedback,
    success: () => 'Desktop notifications are off in this browser',
    onSuccess: onChanged,
  });
}

export function useTestPush(feedback: Feedback) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: () =>
      unwrap(client.POST('/api/orgs/{orgId}/push-subscriptions/test', { params: { path: { orgId: org.id } } })),
    feedback,
    success: ({ subscriptions }) =>
      `Test notification sent to ${subscriptions} browser${subscriptions === 1 ? '' : 's'}`,
  });
}
