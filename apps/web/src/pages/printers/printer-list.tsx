import type { DashboardPrinter } from '@farmhand/dashboard-messages';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import { StateBadge } from '../../components/printer-card';
import { ATTENTION_LABELS } from '../../lib/attention';
import { bucketOf, formatDuration, formatTemperature } from '../../lib/format';
import { formatFinish } from '../../lib/grid-view';
import { Link } from '../../lib/router';
import { useOrg } from '../../lib/session';
import { useFleets } from '../../lib/fleets';
import { useFocusRequest, type GridBodyProps } from './grid-body';

const ROW_HEIGHT = 40;

/** One printer as a dense row; memoized like the cards. */
const PrinterRow = memo(function PrinterRow({
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
  onClearBed?: (printer: DashboardPrinter) => void;
}) {
  const { live } = printer;
  const bucket = bucketOf(live);
  const attention = live.attention ?? null;
  const finish = bucket === 'printing' || bucket === 'paused' ? formatFinish(live.timeLeft) : null;
  return (
    <div
      className={`list-row printer-row bucket-${bucket}${attention ? ` needs-attention attention-${attention}` : ''}${selected ? ' is-selected' : ''}`}
      aria-labelledby={`row-${printer.id}`}
      role="article"
    >
      <span className="list-cell list-check">
        {selectable && (
          <input
            type="checkbox"
            checked={selected}
            onChange={() => onToggle(printer.id)}
            aria-label={`Select ${printer.name}`}
          />
        )}
      </span>
      <span className="list-cell list-name">
        <Link to={href} id={`row-${printer.id}`} className="printer-name">
          {printer.name}
        </Link>
      </span>
      <span className="list-cell list-state">
        {attention ? (
          <span className={`state state-attention attention-${attention}`}>{ATTENTION_LABELS[attention].chip}</span>
        ) : (
          <StateBadge live={live} />
        )}
      </span>
      <span className="list-cell list-fleet muted">{fleetName}</span>
      <span className="list-cell list-job" title={live.job ?? undefined}>
        {live.job ?? <span className="muted">—</span>}
      </span>
      <span className="list-cell list-progress numeric">
        {live.progress === null ? '—' : `${live.progress.toFixed(1)}%`}
      </span>
      <span className="list-cell list-time numeric">
        {live.timeLeft === null ? '—' : formatDuration(live.timeLeft)}
        {finish && <span className="muted"> · {finish}</span>}
      </span>
      <span className="list-cell list-temp numeric">{formatTemperature(live.toolActual, live.toolTarget)}</span>
      <span className="list-cell list-temp numeric">{formatTemperature(live.bedActual, live.bedTarget)}</span>
      <span className="list-cell list-risk numeric">
        {bucket === 'printing' && live.failureScore !== null ? (
          `${Math.round(live.failureScore * 100)}%`
        ) : live.bedToClear && onClearBed ? (
          <button type="button" className="link-button" onClick={() => onClearBed(printer)}>
            Clear bed<span className="visually-hidden"> of {printer.name}</span>
          </button>
        ) : (
          ''
        )}
      </span>
    </div>
  );
});

/** The dense list: one row per printer, virtualized like the grid (only rows on screen exist). */
export function PrinterList({ visible, controllable, selected, onToggle, onClearBed, focus, onRange }: GridBodyProps) {
  const { org } = useOrg();
  const fleets = useFleets();
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  useEffect(() => onRange?.(first, last + 1), [first, last, onRange]);
  useFocusRequest(focus, visible, scrollRef, (index) => virtualizer.scrollToIndex(index, { align: 'auto' }));

  return (
    <div className="list-view">
      <div className="list-row list-head" aria-hidden="true">
        <span className="list-cell list-check" />
        <span className="list-cell list-name">Name</span>
        <span className="list-cell list-state">State</span>
        <span className="list-cell list-fleet">Fleet</span>
        <span className="list-cell list-job">Job</span>
        <span className="list-cell list-progress">Done</span>
        <span className="list-cell list-time">Left · ends</span>
        <span className="list-cell list-temp">Nozzle</span>
        <span className="list-cell list-temp">Bed</span>
        <span className="list-cell list-risk">Risk</span>
      </div>
      <div className="grid-scroll" ref={scrollRef} tabIndex={-1}>
        <div className="grid-inner" style={{ height: virtualizer.getTotalSize() }} role="list" aria-label="Printers">
          {items.map((item) => {
            const printer = visible[item.index]!;
            return (
              <div
                key={printer.id}
                role="listitem"
                className="list-item"
                data-printer-id={printer.id}
                tabIndex={-1}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                <PrinterRow
                  printer={printer}
                  fleetName={fleets.nameOf(printer.fleetId)}
                  href={`/orgs/${org.id}/printers/${printer.id}`}
                  selectable={controllable(printer)}
                  selected={selected.has(printer.id)}
                  onToggle={onToggle}
                  onClearBed={onClearBed}
                />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
