import { useState } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, ConfirmDialog, EmptyState } from '../../components/ui';
import { useFleets } from '../../lib/fleets';
import { formatAgo, formatDate } from '../../lib/format';
import { Link } from '../../lib/router';
import { useOrg } from '../../lib/session';
import type { AlertView } from '../../lib/api/views';
import { FrameLabelControls } from '../detector/frame-label-controls';
import { AlertFrame } from './alert-frame';
import { useAlertVerdict, type AlertVerdict } from './alerts.queries';

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

/**
 * The alerts of a list with their frame, verdict buttons for those allowed, and a confirmation for "confirm".
 * `labelFrames` adds a person's label buttons under each frame (the printer page; a verdict labels it too).
 */
export function AlertTable({
  alerts,
  showPrinter = true,
  labelFrames = false,
}: {
  alerts: AlertView[];
  showPrinter?: boolean;
  labelFrames?: boolean;
}) {
  const { org, ability } = useOrg();
  const fleets = useFleets();
  const feedback = useFeedback();
  const verdict = useAlertVerdict(feedback);
  const [confirming, setConfirming] = useState<AlertView | null>(null);
  const mayUpdate = ability.can('update', 'Alert');
  const busy = (alert: AlertView, kind: AlertVerdict) =>
    verdict.isPending && verdict.variables?.alert.id === alert.id && verdict.variables.verdict === kind;
  const decide = (alert: AlertView, kind: AlertVerdict) => verdict.mutate({ alert, verdict: kind });

  return (
    <>
      <FeedbackNotice feedback={feedback} />
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
                    <AlertFrame alert={alert} />
                    {labelFrames && alert.frameId && (
                      <FrameLabelControls
                        printer={{ id: alert.printerId, orgId: org.id, fleetId: alert.fleetId }}
                        frameId={alert.frameId}
                        what={`the frame of the alert raised ${formatAgo(alert.createdAt)}`}
                      />
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
                          <Button busy={busy(alert, 'acknowledge')} onClick={() => decide(alert, 'acknowledge')}>
                            Acknowledge<span className="visually-hidden"> alert on {alert.printerName}</span>
                          </Button>
                        )}
                        <Button busy={busy(alert, 'false-alarm')} onClick={() => decide(alert, 'false-alarm')}>
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
        busy={verdict.isPending}
        onConfirm={() => {
          const alert = confirming!;
          setConfirming(null);
          decide(alert, 'confirm');
        }}
        onCancel={() => setConfirming(null)}
      >
        The print is cancelled on the printer and the copy is marked failed. This cannot be undone.
      </ConfirmDialog>
    </>
  );
}
