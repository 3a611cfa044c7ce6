import type { DashboardPrinter } from '@farmhand/dashboard-messages';
import { memo } from 'react';
import { FrameViewer } from './frame-viewer';
import { ATTENTION_LABELS } from '../lib/attention';
import { bucketOf, formatAgo, formatDuration, formatTemperature, stateLabel } from '../lib/format';
import { formatFinish } from '../lib/grid-view';
import { Link } from '../lib/router';
import { useLatestFrame } from '../lib/snapshot';

export function StateBadge({ live }: { live: DashboardPrinter['live'] }) {
  return <span className={`state state-${bucketOf(live)}`}>{stateLabel(live)}</span>;
}

export function ProgressBar({ value, label }: { value: number | null; label: string }) {
  const shown = value ?? 0;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value ?? undefined}
    >
      <div className="progress-fill" style={{ width: `${Math.min(100, Math.max(0, shown))}%` }} />
    </div>
  );
}

function FailureScore({ score }: { score: number | null }) {
  if (score === null)
    return (
      <span className="muted" title="Failure detection has not scored this print">
        Risk —
      </span>
    );
  const level = score >= 0.7 ? 'bad' : score >= 0.4 ? 'warn' : 'ok';
  return <span className={`risk risk-${level}`}>Risk {Math.round(score * 100)}%</span>;
}

/**
 * The latest webcam frame, fetched only for cards on screen (the grid is virtualized) and only once the live view
 * says a frame exists; a printer icon otherwise.
 */
function CardThumbnail({ printer }: { printer: DashboardPrinter }) {
  const frame = useLatestFrame(printer.orgId, printer.id, printer.live.snapshotAt);
  if (frame)
    return (
      <FrameViewer
        src={frame.url}
        alt={`Latest snapshot of ${printer.name}`}
        title={`${printer.name}, latest snapshot`}
        buttonClassName="thumb-button"
        imageClassName="thumb thumb-frame"
      />
    );
  return (
    <div className="thumb" aria-hidden="true">
      <svg viewBox="0 0 24 24" width="22" height="22">
        <path
          d="M4 19h16M6 19V9h12v10M9 9V5h6v4"
          stroke="currentColor"
          strokeWidth="1.6"
          fill="none"
          strokeLinejoin="round"
        />
      </svg>
    </div>
  );
}

/** One printer in the fleet grid; memoized so only printers whose data changed re-render. */
export const PrinterCard = memo(function PrinterCard({
  printer,
  fleetName,
  href,
  selectable,
  selected,
  onToggle,
  onClearBed,
}: {
  printer: DashboardPrinter;
  fleetName: string;
  href: string;
  selectable: boolean;
  selected: boolean;
  onToggle: (id: string) => void;
  /** Set when the user may confirm this printer's plate clear. */
  onClearBed?: (printer: DashboardPrinter) => void;
}) {
  const { live } = printer;
  const bucket = bucketOf(live);
  const titleId = `printer-${printer.id}`;
  const active = bucket === 'printing' || bucket === 'paused';
  const attention = live.attention ?? null;
  return (
    <article
      className={`card printer-card bucket-${bucket}${attention ? ` needs-attention attention-${attention}` : ''}${selected ? ' is-selected' : ''}`}
      aria-labelledby={titleId}
    >
      <div className="card-head">
        {selectable && (
          <input
            type="checkbox"
            className="card-check"
            checked={selected}
            onChange={() => onToggle(printer.id)}
            aria-label={`Select ${printer.name}`}
          />
        )}
        <div className="card-title">
          <Link to={href} id={titleId} className="printer-name">
            {printer.name}
          </Link>
          <span className="muted small">
            {fleetName}
            {printer.model ? ` · ${printer.model}` : ''}
          </span>
        </div>
        {attention ? (
          <span className={`state state-attention attention-${attention}`} title={stateLabel(live)}>
            {ATTENTION_LABELS[attention].chip}
          </span>
        ) : (
          <StateBadge live={live} />
        )}
      </div>
      <div className="card-body">
        <CardThumbnail printer={printer} />
        <div className="job">
          {active || live.job ? (
            <>
              <div className="job-name" title={live.job ?? undefined}>
                {live.job ?? 'Unnamed job'}
              </div>
              <ProgressBar value={live.progress} label={`${printer.name} progress`} />
              <div className="job-meta">
                <span className="numeric">{live.progress === null ? '—' : `${live.progress.toFixed(1)}%`}</span>
                <span>
                  {live.timeLeft === null ? '' : `${formatDuration(live.timeLeft)} left`}
                  {live.timeLeft !== null && (
                    <span className="muted finish-time" title="Finishes at">
                      {' '}
                      · ends {formatFinish(live.timeLeft)}
                    </span>
                  )}
                </span>
              </div>
            </>
          ) : live.error ? (
            <div className="job-error" title={live.error}>
              {live.error}
            </div>
          ) : (
            <div className="muted job-idle">{live.online ? 'Idle' : `Last seen ${formatAgo(printer.lastSeenAt)}`}</div>
          )}
        </div>
      </div>
      <div className="card-foot">
        <span title="Nozzle actual / target">
          <span className="muted">Nozzle</span> {formatTemperature(live.toolActual, live.toolTarget)}
        </span>
        <span title="Bed actual / target">
          <span className="muted">Bed</span> {formatTemperature(live.bedActual, live.bedTarget)}
        </span>
        {/* The detector scores prints: a risk shown on a finished or cancelled print would read as a live one. */}
        {bucket === 'printing' ? (
          <FailureScore score={live.failureScore} />
        ) : live.bedToClear && onClearBed ? (
          <button type="button" className="link-button card-action" onClick={() => onClearBed(printer)}>
            Clear bed<span className="visually-hidden"> of {printer.name}</span>
          </button>
        ) : null}
      </div>
    </article>
  );
});
