import type { PrinterLive } from '@farmhand/dashboard-messages';
import { ProgressBar } from '../../components/printer-card';
import { FrameViewer } from '../../components/frame-viewer';
import { Section } from '../../components/ui';
import { formatAgo, formatDuration, formatTemperature } from '../../lib/format';
import { useLatestFrame } from '../../lib/snapshot';
import { useOrg } from '../../lib/session';
import type { Printer } from '../../lib/api/views';
import { FrameLabelControls } from '../detector/frame-label-controls';

function Snapshot({ printer, snapshotAt }: { printer: Printer; snapshotAt: string | null }) {
  const { org } = useOrg();
  const frame = useLatestFrame(org.id, printer.id, snapshotAt, true);
  return (
    <div className="snapshot-column">
      <figure className="snapshot">
        {frame ? (
          <>
            <FrameViewer
              src={frame.url}
              alt={`Latest webcam snapshot of ${printer.name}`}
              title={`${printer.name}, latest snapshot`}
            />
            {frame.takenAt && <figcaption className="snapshot-time">{formatAgo(frame.takenAt)}</figcaption>}
          </>
        ) : (
          <span className="muted">No snapshot yet</span>
        )}
      </figure>
      {frame?.frameId && (
        <FrameLabelControls
          key={frame.frameId}
          printer={printer}
          frameId={frame.frameId}
          what={`the latest snapshot of ${printer.name}`}
        />
      )}
    </div>
  );
}

/** What the printer is doing now, from the live view: snapshot, job, progress, temperatures, failure risk. */
export function NowSection({ printer, live }: { printer: Printer; live: PrinterLive }) {
  const active = live.state === 'printing' || live.state === 'paused' || live.state === 'pausing';
  return (
    <Section title="Now">
      <div className="now">
        <Snapshot printer={printer} snapshotAt={live.snapshotAt} />
        <dl className="facts">
          <dt>Job</dt>
          <dd>{active || live.job ? (live.job ?? 'Unnamed job') : live.online ? 'Idle' : '—'}</dd>
          <dt>Progress</dt>
          <dd>
            {live.progress === null ? '—' : `${live.progress.toFixed(1)}%`}
            {active && <ProgressBar value={live.progress} label="Print progress" />}
          </dd>
          <dt>Time left</dt>
          <dd>{formatDuration(live.timeLeft)}</dd>
          <dt>Nozzle</dt>
          <dd>{formatTemperature(live.toolActual, live.toolTarget)}</dd>
          <dt>Bed</dt>
          <dd>{formatTemperature(live.bedActual, live.bedTarget)}</dd>
          <dt>Failure risk</dt>
          <dd>{live.failureScore === null ? 'Not scored' : `${Math.round(live.failureScore * 100)}%`}</dd>
          {live.error && (
            <>
              <dt>Error</dt>
              <dd className="text-bad">{live.error}</dd>
            </>
          )}
        </dl>
      </div>
    </Section>
  );
}
