import type { DashboardPrinter } from '@farmhand/dashboard-messages';
import { useEffect, useRef, type RefObject } from 'react';

/** What the cards and the list both show and do. */
export interface GridBodyProps {
  visible: DashboardPrinter[];
  controllable: (printer: DashboardPrinter) => boolean;
  selected: Set<string>;
  onToggle: (id: string) => void;
  onClearBed?: (printer: DashboardPrinter) => void;
  /** The printer `j`/`k` moved to (an index into `visible`): scrolled into view and focused, once per request. */
  focus: { index: number } | null;
  /** The range of `visible` on screen (with overscan), [start, end): the live connection details only those. */
  onRange?: (start: number, end: number) => void;
}

/**
 * Scrolls to and focuses the printer a `j`/`k` press asked for, once per request (live updates that change
 * `visible` must not steal the focus back).
 */
export function useFocusRequest(
  focus: { index: number } | null,
  visible: DashboardPrinter[],
  scrollRef: RefObject<HTMLElement | null>,
  scrollTo: (index: number) => void,
): void {
  const latest = useRef({ visible, scrollTo });
  useEffect(() => {
    latest.current = { visible, scrollTo };
  });
  useEffect(() => {
    const { visible: printers, scrollTo: scroll } = latest.current;
    if (!focus || focus.index >= printers.length) return;
    scroll(focus.index);
    const id = printers[focus.index]!.id;
    const frame = requestAnimationFrame(() =>
      scrollRef.current?.querySelector<HTMLElement>(`[data-printer-id="${id}"]`)?.focus({ preventScroll: true }),
    );
    return () => cancelAnimationFrame(frame);
  }, [focus, scrollRef]);
}
