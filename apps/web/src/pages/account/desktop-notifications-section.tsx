import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, Notice, Section } from '../../components/ui';
import {
  useBrowserPushState,
  useDisablePush,
  useEnablePush,
  usePushKey,
  useRefreshBrowserPushState,
  useTestPush,
} from './push.queries';

/** "Enable desktop notifications": Web Push to this browser, shown by /sw.js even with the dashboard closed. */
export function DesktopNotificationsSection() {
  const feedback = useFeedback();
  const key = usePushKey();
  const state = useBrowserPushState().data ?? 'checking';
  const refresh = useRefreshBrowserPushState();
  const enable = useEnablePush(feedback, refresh);
  const disable = useDisablePush(feedback, refresh);
  const test = useTestPush(feedback);
  const publicKey = key.data?.publicKey ?? null;

  return (
    <Section title="Desktop notifications">
      <FeedbackNotice feedback={feedback} />
      <p className="muted small">
        Alerts and print events on this computer&apos;s desktop, even with the dashboard closed (this browser only).
      </p>
      {key.isSuccess && !publicKey && (
        <Notice tone="info">Browser push is not configured on this server (ask its administrator).</Notice>
      )}
      {state === 'unsupported' && <Notice tone="info">This browser cannot receive push notifications.</Notice>}
      {state === 'blocked' && (
        <Notice tone="warning">Notifications from Farmhand are blocked in this browser&apos;s site settings.</Notice>
      )}
      <div className="row-actions">
        {state === 'on' ? (
          <>
            <output aria-label="Desktop notifications" className="strong">
              On in this browser
            </output>
            <Button variant="ghost" busy={test.isPending} onClick={() => test.mutate()}>
              Send a test notification
            </Button>
            <Button variant="ghost" busy={disable.isPending} onClick={() => disable.mutate()}>
              Turn off
            </Button>
          </>
        ) : (
          <Button
            disabled={!publicKey || state !== 'off'}
            busy={enable.isPending}
            onClick={() => publicKey && enable.mutate(publicKey)}
          >
            Enable desktop notifications
          </Button>
        )}
      </div>
    </Section>
  );
}
