import type { DashboardPrinter } from '@farmhand/dashboard-messages';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { BedClearDialog } from '../../components/bed-clear-dialog';
import { Notice } from '../../components/ui';
import { printerPermissions } from '../../lib/ability';
import { usePageShortcuts } from '../../components/shortcuts';
import { countAttention, matchesAttention, parseAttentionFilter } from '../../lib/attention';
import { parseMode, parseSort, sortPrinters } from '../../lib/grid-view';
import { bucketOf, type StateBucket } from '../../lib/format';
import { useLive } from '../../lib/live';
import { BULK_ACTIONS } from '../../lib/printer-actions';

/** What the selection bar sends to many printers besides pause, resume, cancel: manual commands, and `start` (print a file on them). */
const BULK_CONTROL_ACTIONS = ['home', 'temperature', 'start'] as const;
import { replaceSearchParam, useLocation } from '../../lib/router';
import { useOrg } from '../../lib/session';
import { BulkActions } from './bulk-actions';
import { PrintOnPrintersDialog } from './print-on-printers-dialog';
import { GridToolbar } from './grid-toolbar';
import { PrinterGrid } from './printer-grid';
import { SavedViews } from './saved-views';

function matches(printer: DashboardPrinter, search: string): boolean {
  if (!search) return true;
  const needle = search.toLowerCase();
  return (
    printer.name.toLowerCase().includes(needle) ||
    printer.model.toLowerCase().includes(needle) ||
    (printer.live.job?.toLowerCase().includes(needle) ?? false) ||
    printer.tags.some((tag) => tag.includes(needle))
  );
}

/** The fleet grid: every readable printer, live, filtered, with bulk commands for those the user may control. */
export function PrintersPage() {
  const { org, ability } = useOrg();
  const live = useLive();
  const { search: params } = useLocation();
  const fleet = params.get('fleet') ?? '';
  const state = (params.get('state') ?? '') as StateBucket | '';
  const tag = params.get('tag') ?? '';
  const attention = parseAttentionFilter(params.get('attention'));
  const sort = parseSort(params.get('sort'));
  const mode = parseMode(params.get('view'));
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [clearing, setClearing] = useState<DashboardPrinter[] | null>(null);
  const [printingOn, setPrintingOn] = useState<DashboardPrinter[] | null>(null);

  // Coming back to the grid: ask for a fresh picture (printers enrolled or renamed meanwhile).
  const { store } = live;
  const loadedOnMount = useRef(live.loaded);
  useEffect(() => {
    if (loadedOnMount.current) store.requestResync();
  }, [store]);

  // The URL keeps the search too (shareable, survives reload), written after typing settles.
  useEffect(() => {
    const timer = setTimeout(() => replaceSearchParam('q', search), 300);
    return () => clearTimeout(timer);
  }, [search]);

  const scoped = useMemo(
    () =>
      live.printers.filter(
        (printer) =>
          (!fleet || printer.fleetId === fleet) && (!tag || printer.tags.includes(tag)) && matches(printer, search),
      ),
    [live.printers, fleet, tag, search],
  );
  const counts = useMemo(() => {
    const result: Record<StateBucket, number> = { printing: 0, paused: 0, error: 0, ready: 0, offline: 0 };
    for (const printer of scoped) result[bucketOf(printer.live)]++;
    return result;
  }, [scoped]);
  const attentionCounts = useMemo(() => countAttention(scoped), [scoped]);
  // By default printers that need a hand come first, most urgent first; then by the chosen sort, ties by name.
  const visible = useMemo(
    () =>
      sortPrinters(
        scoped.filter(
          (printer) => (!state || bucketOf(printer.live) === state) && matchesAttention(printer, attention),
        ),
        sort,
      ),
    [scoped, state, attention, sort],
  );
  const tags = useMemo(() => [...new Set(live.printers.flatMap((printer) => printer.tags))].sort(), [live.printers]);

  // Only printers the user may control in some way can be selected.
  const may = useMemo(() => printerPermissions(ability, org.id), [ability, org.id]);
  const controllable = useCallback(
    (printer: DashboardPrinter) => [...BULK_ACTIONS, ...BULK_CONTROL_ACTIONS].some((action) => may(action, printer)),
    [may],
  );
  // Confirming a plate clear is a queue change (the bed-clear route checks `update` on the printer's copies).
  const mayClearBed = ability.can('update', 'Job');
  const openBedClear = useCallback((printer: DashboardPrinter) => setClearing([printer]), []);
  const anyControllable = useMemo(
    () => mayClearBed || live.printers.some(controllable),
    [live.printers, controllable, mayClearBed],
  );
  const selectedPrinters = useMemo(
    () => live.printers.filter((printer) => selected.has(printer.id)),
    [live.printers, selected],
  );
  const selectable = useCallback(
    (printer: DashboardPrinter) => controllable(printer) || (mayClearBed && printer.live.bedToClear !== null),
    [controllable, mayClearBed],
  );
  const selectableVisible = useMemo(() => visible.filter(selectable), [visible, selectable]);

  const toggle = useCallback((id: string) => {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);

  // The live connection sends every field only for the printers on screen (and counts' fields for the rest).
  const [range, setRange] = useState<[number, number]>([0, 0]);
  const onRange = useCallback((start: number, end: number) => setRange([start, end]), []);
  useEffect(() => {
    store.showing(
      'grid',
      visible.slice(range[0], range[1]).map((printer) => printer.id),
    );
  }, [store, visible, range]);
  useEffect(() => () => store.showing('grid', []), [store]);

  // Keyboard: `/` search, `j`/`k` move between printers, `x` selects the focused one (see components/shortcuts).
  const searchRef = useRef<HTMLInputElement>(null);
  const [focus, setFocus] = useState<{ index: number } | null>(null);
  // Keys pressed faster than React renders each move from the previous one, not from the focus this render saw.
  const move = (step: number) => {
    const count = visible.length;
    if (!count) return;
    setFocus((current) => {
      const from = current ? Math.min(current.index, count - 1) : -1;
      return { index: Math.max(0, Math.min(count - 1, from + step)) };
    });
  };
  usePageShortcuts({
    '/': () => searchRef.current?.focus(),
    j: () => move(1),
    k: () => move(-1),
    x: () => {
      const printer = focus ? visible[focus.index] : undefined;
      if (printer && selectable(printer)) toggle(printer.id);
    },
  });

  return (
    <div className="page page-fill">
      <GridToolbar
        searchRef={searchRef}
        filters={{ fleet, state, tag, search, attention, sort, mode }}
        onSearch={setSearch}
        tags={tags}
        shown={visible.length}
        total={live.printers.length}
        scopedCount={scoped.length}
        counts={counts}
        attentionCounts={attentionCounts}
      >
        <SavedViews onApply={(query) => setSearch(new URLSearchParams(query).get('q') ?? '')} />
      </GridToolbar>
      {anyControllable && (
        <BulkActions
          selectableVisible={selectableVisible}
          selectedPrinters={selectedPrinters}
          selected={selected}
          setSelected={setSelected}
          may={may}
          mayClearBed={mayClearBed}
          onClearBeds={setClearing}
          onPrintOn={ability.can('create', 'Job') ? setPrintingOn : undefined}
        />
      )}
      {live.status.kind === 'closed' && <Notice tone="error">Live updates stopped: {live.status.reason}</Notice>}
      {live.truncated && (
        <Notice tone="warning">Showing the first printers only; filter by fleet to see the rest.</Notice>
      )}
      <PrinterGrid
        loaded={live.loaded}
        total={live.printers.length}
        mode={mode}
        focus={focus}
        onRange={onRange}
        visible={visible}
        controllable={selectable}
        selected={selected}
        onToggle={toggle}
        onClearBed={mayClearBed ? openBedClear : undefined}
      />
      {clearing && (
        <BedClearDialog
          printers={clearing}
          onClose={() => setClearing(null)}
          onDone={(cleared) => setSelected((current) => new Set([...current].filter((id) => !cleared.includes(id))))}
        />
      )}
      {printingOn && <PrintOnPrintersDialog printers={printingOn} onClose={() => setPrintingOn(null)} />}
    </div>
  );
}
