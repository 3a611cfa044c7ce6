import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { PrinterCard } from '../../components/printer-card';
import { EmptyState, Spinner } from '../../components/ui';
import { useFleets } from '../../lib/fleets';
import type { GridMode } from '../../lib/grid-view';
import { Link } from '../../lib/router';
import { useOrg } from '../../lib/session';
import { useFocusRequest, type GridBodyProps } from './grid-body';
import { PrinterList } from './printer-list';

const CARD_MIN_WIDTH = 280;
const GAP = 12;
const ROW_HEIGHT = 164;

function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(entry!.contentRect.width));
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/** The cards, virtualized by rows: only the cards on screen are rendered (and fetch their snapshot). */
function PrinterCards({ visible, controllable, selected, onToggle, onClearBed, focus, onRange }: GridBodyProps) {
  const { org } = useOrg();
  const fleets = useFleets();
  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useWidth(scrollRef);
  const columns = Math.max(1, Math.floor((width + GAP) / (CARD_MIN_WIDTH + GAP)));
  const rows = Math.ceil(visible.length / columns);
  // TanStack Virtual hands out functions React Compiler cannot memoize; this component is not compiled anyway.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT + GAP,
    overscan: 4,
  });
  const items = virtualizer.getVirtualItems();
  const first = (items[0]?.index ?? 0) * columns;
  const last = Math.min(visible.length, ((items[items.length - 1]?.index ?? -1) + 1) * columns);
  useEffect(() => onRange?.(first, last), [first, last, onRange]);
  useFocusRequest(focus, visible, scrollRef, (index) =>
    virtualizer.scrollToIndex(Math.floor(index / columns), { align: 'auto' }),
  );

  return (
    <div className="grid-scroll" ref={scrollRef} tabIndex={-1}>
      <div className="grid-inner" style={{ height: virtualizer.getTotalSize() }} role="list" aria-label="Printers">
        {items.map((row) => (
          <div
            key={row.key}
            className="grid-row"
            role="presentation"
            style={{
              transform: `translateY(${row.start}px)`,
              gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
            }}
          >
            {visible.slice(row.index * columns, row.index * columns + columns).map((printer) => (
              <div role="listitem" key={printer.id} data-printer-id={printer.id} tabIndex={-1} className="card-slot">
                <PrinterCard
                  printer={printer}
                  fleetName={fleets.nameOf(printer.fleetId)}
                  href={`/orgs/${org.id}/printers/${printer.id}`}
                  selectable={controllable(printer)}
                  selected={selected.has(printer.id)}
                  onToggle={onToggle}
                  onClearBed={onClearBed}
                />
              </div>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

/** The fleet grid as cards or a dense list, with its loading and empty states. */
export function PrinterGrid({
  loaded,
  total,
  mode,
  ...body
}: GridBodyProps & { loaded: boolean; total: number; mode: GridMode }) {
  const { org, ability } = useOrg();
  if (!loaded)
    return (
      <div className="grid-scroll">
        <Spinner label="Loading printers" />
      </div>
    );
  if (total === 0)
    return (
      <div className="grid-scroll">
        <EmptyState title="No printers yet">
          Printers appear here once their agents are enrolled.{' '}
          {ability.can('enroll', 'Printer') ? (
            <Link to={`/orgs/${org.id}/enrollment`}>Enroll printers</Link>
          ) : (
            'Ask an admin to enroll them.'
          )}
        </EmptyState>
      </div>
    );
  if (body.visible.length === 0)
    return (
      <div className="grid-scroll">
        <EmptyState title="No printer matches these filters" />
      </div>
    );
  return mode === 'list' ? <PrinterList {...body} /> : <PrinterCards {...body} />;
}
