import { useEffect, useState } from 'react';
import { Button, ConfirmDialog, EmptyState, Notice, PageHeader, Spinner } from '../components/ui';
import { api, messageOf, query } from '../lib/api';
import { useFleets } from '../lib/fleets';
import { formatAgo, formatDate } from '../lib/format';
import { useRefetchOnOrgEvents } from '../lib/live';
import { Link } from '../lib/router';
import { useOrg } from '../lib/session';
import type { AlertView } from '../lib/types';
import { useResource } from '../lib/use-resource';

export const ALERT_STATE_LABELS: Record<AlertView['state'], string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  false_alarm: 'False alarm',
  confirmed: 'Confirmed failure',
};

const ALERT_STATE_TONE: Record<AlertView['state'], string> = {
  open: 'status-bad',
  acknowledged: 'status-warn',
  false_alarm: 'status-muted',
  confirmed: 'status-bad',
};

export type AlertVerdict = 'acknowledge' | 'false-alarm' | 'confirm';

const VERDICT_DONE: Record<AlertVerdict, string> = {
  acknowledge: 'alert acknowledged',
  'false-alarm': 'marked a false alarm',
  confirm: 'failure confirmed, print cancelled',
};

/** Contract B: the alerts the user may read, newest first; `printerId` narrows to one printer. */
export function useAlerts(filter: { state?: AlertView['state']; printerId?: string; limit?: number }) {
  const { org } = useOrg();
  const path = `/api/orgs/${org.id}/alerts${query({ state: filter.state, printerId: filter.printerId, limit: filter.limit ?? 100 })}`;
  const alerts = useResource(path, () => api.get<{ items: AlertView[] }>(path));
  useRefetchOnOrgEvents(
    alerts.reload,
    (event) => event.kind === 'alert' && (!filter.printerId || event.printerId === filter.printerId),
  );
  return alerts;
}

/** Told when this tab resolved an alert, so the badge follows at once (other tabs learn it from org events). */
const resolvedHere = new EventTarget();

/** The open count for the navigation badge; nothing when the alerts API cannot be read. */
export function useOpenAlertCount(enabled: boolean): number | null {
  const { org } = useOrg();
  const path = `/api/orgs/${org.id}/alerts${query({ state: 'open', limit: 200 })}`;
  const alerts = useResource(enabled ? path : null, () => api.get<{ items: AlertView[] }>(path));
  useRefetchOnOrgEvents(alerts.reload, (event) => event.kind === 'alert');
  const { reload } = alerts;
  useEffect(() => {
    const listener = () => void reload();
    resolvedHere.addEventListener('resolved', listener);
    return () => resolvedHere.removeEventListener('resolved', listener);
  }, [reload]);
  return alerts.data ? alerts.data.items.length : null;
}

/** The alerts of a list with their frame, verdict buttons for those allowed, and a confirmation for "confirm". */
export function AlertTable({
  alerts,
  onChanged,
  showPrinter = true,
}: {
  alerts: AlertView[];
  onChanged: () => Promise<void>;
  showPrinter?: boolean;
}) {
  const { org, ability } = useOrg();
  const fleets = useFleets();
  const [confirming, setConfirming] = useState<AlertView | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const mayUpdate = ability.can('update', 'Alert');

  const decide = async (alert: AlertView, verdict: AlertVerdict) => {
    setBusy(alert.id + verdict);
    setMessage(null);
    try {
      await api.post(`/api/orgs/${org.id}/alerts/${alert.id}/${verdict}`);
      setMessage({ tone: 'success', text: `${alert.printerName}: ${VERDICT_DONE[verdict]}` });
      resolvedHere.dispatchEvent(new Event('resolved'));
      await onChanged();
    } catch (failure) {
      setMessage({ tone: 'error', text: `${alert.printerName}: ${messageOf(failure)}` });
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      {!alerts.length ? (
        <EmptyState title="No alerts" />
      ) : (
        <div className="table-wrap">
          <table className="table table-dense">
            <thead>
              <tr>
                <th scope="col">Frame</th>
                {showPrinter && <th scope="col">Printer</th>}
                <th scope="col">Level</th>
                <th scope="col">Score</th>
                <th scope="col">State</th>
                <th scope="col">Raised</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((alert) => (
                <tr key={alert.id}>
                  <td>
                    {alert.frameId ? (
                      <a href={`/api/orgs/${org.id}/frames/${alert.frameId}`} target="_blank" rel="noreferrer">
                        <img
                          className="alert-frame"
                          src={`/api/orgs/${org.id}/frames/${alert.frameId}`}
                          alt={`Webcam frame of ${alert.printerName} when the alert was raised`}
                          loading="lazy"
                          width={96}
                          height={72}
                        />
                      </a>
                    ) : (
                      <span className="muted">No frame</span>
                    )}
                  </td>
                  {showPrinter && (
                    <td>
                      <Link to={`/orgs/${org.id}/printers/${alert.printerId}`} className="strong">
                        {alert.printerName}
                      </Link>
                      <div className="muted small">{fleets.nameOf(alert.fleetId)}</div>
                    </td>
                  )}
                  <td>
                    {alert.level === 'pause' ? 'Pause' : 'Warning'}
                    {alert.paused && <div className="small text-bad">Print paused</div>}
                  </td>
                  <td className="numeric">{Math.round(alert.score * 100)}%</td>
                  <td>
                    <span className={`status ${ALERT_STATE_TONE[alert.state]}`}>{ALERT_STATE_LABELS[alert.state]}</span>
                    {alert.resolvedAt && <div className="muted small">{formatAgo(alert.resolvedAt)}</div>}
                  </td>
                  <td title={formatDate(alert.createdAt)}>{formatAgo(alert.createdAt)}</td>
                  <td className="row-actions">
                    {mayUpdate && (alert.state === 'open' || alert.state === 'acknowledged') && (
                      <>
                        {alert.state === 'open' && (
                          <Button
                            busy={busy === alert.id + 'acknowledge'}
                            onClick={() => void decide(alert, 'acknowledge')}
                          >
                            Acknowledge<span className="visually-hidden"> alert on {alert.printerName}</span>
                          </Button>
                        )}
                        <Button
                          busy={busy === alert.id + 'false-alarm'}
                          onClick={() => void decide(alert, 'false-alarm')}
                        >
                          False alarm<span className="visually-hidden"> on {alert.printerName}</span>
                        </Button>
                        <Button variant="danger" onClick={() => setConfirming(alert)}>
                          Confirm failure<span className="visually-hidden"> on {alert.printerName}</span>
                        </Button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={confirming !== null}
        title={confirming ? `Confirm the failure on ${confirming.printerName}?` : ''}
        confirmLabel="Confirm and cancel the print"
        tone="danger"
        busy={busy !== null}
        onConfirm={() => {
          const alert = confirming!;
          setConfirming(null);
          void decide(alert, 'confirm');
        }}
        onCancel={() => setConfirming(null)}
      >
        The print is cancelled on the printer and the copy is marked failed. This cannot be undone.
      </ConfirmDialog>
    </>
  );
}

export function AlertsPage() {
  const [scope, setScope] = useState<'open' | 'all'>('open');
  const alerts = useAlerts({ state: scope === 'open' ? 'open' : undefined, limit: 200 });
  return (
    <div className="page">
      <PageHeader
        title="Alerts"
        subtitle="Failure detection flags prints that look wrong; decide what each one was."
        actions={
          <div className="segmented" role="group" aria-label="Which alerts">
            <Button
              variant={scope === 'open' ? 'primary' : 'secondary'}
              aria-pressed={scope === 'open'}
              onClick={() => setScope('open')}
            >
              Open
            </Button>
            <Button
              variant={scope === 'all' ? 'primary' : 'secondary'}
              aria-pressed={scope === 'all'}
              onClick={() => setScope('all')}
            >
              All
            </Button>
          </div>
        }
      />
      {alerts.error && <Notice tone="error">{alerts.error}</Notice>}
      {alerts.data ? <AlertTable alerts={alerts.data.items} onChanged={alerts.reload} /> : !alerts.error && <Spinner />}
    </div>
  );
}
