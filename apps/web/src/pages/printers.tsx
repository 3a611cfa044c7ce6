import type { DashboardPrinter } from '@farmhand/dashboard-messages';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { PrinterCard } from '../components/printer-card';
import { Button, ConfirmDialog, EmptyState, Notice, Spinner } from '../components/ui';
import { printerPermissions } from '../lib/ability';
import { useFleets } from '../lib/fleets';
import { BUCKET_LABELS, bucketOf, plural, type StateBucket } from '../lib/format';
import { useLive } from '../lib/live';
import {
  ACTION_LABELS,
  BULK_ACTIONS,
  actionApplies,
  runBulk,
  type BulkAction,
  type BulkResult,
} from '../lib/printer-actions';
import { navigate, useLocation } from '../lib/router';
import { useOrg } from '../lib/session';

const CARD_MIN_WIDTH = 280;
const GAP = 12;
const ROW_HEIGHT = 164;
const BUCKETS: StateBucket[] = ['printing', 'paused', 'error', 'ready', 'offline'];

function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(([entry]) => setWidth(entry!.contentRect.width));
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/** The same refusal for many printers reads once, with the printers it concerns. */
function groupFailures(failures: BulkResult['failed']): Array<[string, string[]]> {
  const groups = new Map<string, string[]>();
  for (const { name, message } of failures) groups.set(message, [...(groups.get(message) ?? []), name]);
  return [...groups];
}

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

export function PrintersPage() {
  const { org, ability } = useOrg();
  const fleets = useFleets();
  const live = useLive();
  const { search: params } = useLocation();
  const fleet = params.get('fleet') ?? '';
  const state = (params.get('state') ?? '') as StateBucket | '';
  const tag = params.get('tag') ?? '';
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [pending, setPending] = useState<BulkAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ action: BulkAction; result: BulkResult } | null>(null);

  // Coming back to the grid: ask for a fresh picture (printers enrolled or renamed meanwhile).
  const { store } = live;
  const loadedOnMount = useRef(live.loaded);
  useEffect(() => {
    if (loadedOnMount.current) store.requestResync();
  }, [store]);

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    const text = next.toString();
    navigate(`/orgs/${org.id}/printers${text ? `?${text}` : ''}`, { replace: true });
  };

  // The URL keeps the search too (shareable, survives reload), written after typing settles.
  useEffect(() => {
    const timer = setTimeout(() => {
      if ((params.get('q') ?? '') !== search) setParam('q', search);
    }, 300);
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
  const visible = useMemo(
    () => (state ? scoped.filter((printer) => bucketOf(printer.live) === state) : scoped),
    [scoped, state],
  );
  const tags = useMemo(() => [...new Set(live.printers.flatMap((printer) => printer.tags))].sort(), [live.printers]);

  // Only printers the user may control in some way can be selected.
  const may = useMemo(() => printerPermissions(ability, org.id), [ability, org.id]);
  const controllable = useCallback(
    (printer: DashboardPrinter) => BULK_ACTIONS.some((action) => may(action, printer)),
    [may],
  );
  const anyControllable = useMemo(() => live.printers.some(controllable), [live.printers, controllable]);
  const selectedPrinters = useMemo(
    () => live.printers.filter((printer) => selected.has(printer.id)),
    [live.printers, selected],
  );
  const selectableVisible = useMemo(() => visible.filter(controllable), [visible, controllable]);
  const allVisibleSelected =
    selectableVisible.length > 0 && selectableVisible.every((printer) => selected.has(printer.id));

  const toggle = useCallback((id: string) => {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);

  const targetsOf = (action: BulkAction) =>
    selectedPrinters.filter((printer) => may(action, printer) && actionApplies(action, printer));

  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    const outcome = await runBulk(org.id, targetsOf(pending), pending);
    setBusy(false);
    setResult({ action: pending, result: outcome });
    setPending(null);
    if (!outcome.failed.length) setSelected(new Set());
  };

  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useWidth(scrollRef);
  const columns = Math.max(1, Math.floor((width + GAP) / (CARD_MIN_WIDTH + GAP)));
  const rows = Math.ceil(visible.length / columns);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT + GAP,
    overscan: 4,
  });

  const pendingTargets = pending ? targetsOf(pending) : [];
  const skipped = pending ? selectedPrinters.length - pendingTargets.length : 0;

  return (
    <div className="page page-fill">
      <div className="grid-toolbar" role="search" aria-label="Filter printers">
        <div className="toolbar-title">
          <h1>Printers</h1>
          <span className="muted">
            {visible.length === live.printers.length
              ? plural(live.printers.length, 'printer')
              : `${visible.length} of ${live.printers.length}`}
          </span>
        </div>
        <label className="toolbar-field">
          <span className="visually-hidden">Search printers</span>
          <input
            type="search"
            className="input"
            placeholder="Search name, model, job, tag"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </label>
        <label className="toolbar-field">
          <span className="visually-hidden">Fleet</span>
          <select className="input" value={fleet} onChange={(event) => setParam('fleet', event.target.value)}>
            <option value="">All fleets</option>
            {fleets.list.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name}
              </option>
            ))}
          </select>
        </label>
        {tags.length > 0 && (
          <label className="toolbar-field">
            <span className="visually-hidden">Tag</span>
            <select className="input" value={tag} onChange={(event) => setParam('tag', event.target.value)}>
              <option value="">All tags</option>
              {tags.map((candidate) => (
                <option key={candidate} value={candidate}>
                  {candidate}
                </option>
              ))}
            </select>
          </label>
        )}
        <div className="state-filters" role="group" aria-label="State">
          <button type="button" className="chip" aria-pressed={!state} onClick={() => setParam('state', '')}>
            All <span className="chip-count">{scoped.length}</span>
          </button>
          {BUCKETS.map((bucket) => (
            <button
              key={bucket}
              type="button"
              className={`chip chip-${bucket}`}
              aria-pressed={state === bucket}
              onClick={() => setParam('state', state === bucket ? '' : bucket)}
            >
              <span className="chip-dot" aria-hidden="true" />
              {BUCKET_LABELS[bucket]} <span className="chip-count">{counts[bucket]}</span>
            </button>
          ))}
        </div>
      </div>

      {anyControllable && (
        <div className={`bulk-bar${selected.size ? ' is-active' : ''}`} role="region" aria-label="Bulk actions">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={allVisibleSelected}
              ref={(element) => {
                if (element)
                  element.indeterminate =
                    !allVisibleSelected && selectableVisible.some((printer) => selected.has(printer.id));
              }}
              onChange={() =>
                setSelected((current) => {
                  const next = new Set(current);
                  for (const printer of selectableVisible) {
                    if (allVisibleSelected) next.delete(printer.id);
                    else next.add(printer.id);
                  }
                  return next;
                })
              }
            />
            {selected.size ? `${selected.size} selected` : 'Select all shown'}
          </label>
          {selected.size > 0 && (
            <div className="bulk-actions">
              {BULK_ACTIONS.filter((action) => selectedPrinters.some((printer) => may(action, printer))).map(
                (action) => (
                  <Button
                    key={action}
                    variant={action === 'cancel' ? 'danger' : 'secondary'}
                    disabled={targetsOf(action).length === 0}
                    onClick={() => setPending(action)}
                  >
                    {action === 'cancel' ? 'Cancel prints' : ACTION_LABELS[action].verb} ({targetsOf(action).length})
                  </Button>
                ),
              )}
              <Button variant="ghost" onClick={() => setSelected(new Set())}>
                Clear selection
              </Button>
            </div>
          )}
        </div>
      )}

      {result && (
        <Notice tone={result.result.failed.length ? 'warning' : 'success'}>
          <div className="result-head">
            <span>
              {ACTION_LABELS[result.action].past} {plural(result.result.succeeded, 'printer')}
              {result.result.failed.length > 0 && `; ${result.result.failed.length} failed`}
            </span>
            <button type="button" className="link-button" onClick={() => setResult(null)}>
              Dismiss
            </button>
          </div>
          {result.result.failed.length > 0 && (
            <ul className="failure-list">
              {groupFailures(result.result.failed).map(([message, names]) => (
                <li key={message}>
                  <strong>{message}</strong>: {names.slice(0, 8).join(', ')}
                  {names.length > 8 && ` and ${names.length - 8} more`}
                </li>
              ))}
            </ul>
          )}
        </Notice>
      )}
      {live.status.kind === 'closed' && <Notice tone="error">Live updates stopped: {live.status.reason}</Notice>}
      {live.truncated && (
        <Notice tone="warning">Showing the first printers only; filter by fleet to see the rest.</Notice>
      )}

      <div className="grid-scroll" ref={scrollRef} tabIndex={-1}>
        {!live.loaded ? (
          <Spinner label="Loading printers" />
        ) : live.printers.length === 0 ? (
          <EmptyState title="No printers yet">Printers appear here once their agents are enrolled.</EmptyState>
        ) : visible.length === 0 ? (
          <EmptyState title="No printer matches these filters" />
        ) : (
          <div className="grid-inner" style={{ height: virtualizer.getTotalSize() }} role="list" aria-label="Printers">
            {virtualizer.getVirtualItems().map((row) => (
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
                  <div role="listitem" key={printer.id}>
                    <PrinterCard
                      printer={printer}
                      fleetName={fleets.nameOf(printer.fleetId)}
                      href={`/orgs/${org.id}/printers/${printer.id}`}
                      selectable={controllable(printer)}
                      selected={selected.has(printer.id)}
                      onToggle={toggle}
                    />
                  </div>
                ))}
              </div>
            ))}
          </div>
        )}
      </div>

      <ConfirmDialog
        open={pending !== null}
        title={pending ? `${ACTION_LABELS[pending].verb} ${plural(pendingTargets.length, 'printer')}?` : ''}
        confirmLabel={pending ? `${ACTION_LABELS[pending].verb} ${plural(pendingTargets.length, 'printer')}` : ''}
        tone={pending === 'cancel' ? 'danger' : 'primary'}
        busy={busy}
        onConfirm={() => void confirm()}
        onCancel={() => setPending(null)}
      >
        <p>
          {pending === 'cancel'
            ? 'The current prints stop and cannot be resumed.'
            : pending === 'pause'
              ? 'The printers finish their current move, park and wait.'
              : 'The printers continue where they paused.'}
        </p>
        <ul className="name-list">
          {pendingTargets.slice(0, 12).map((printer) => (
            <li key={printer.id}>{printer.name}</li>
          ))}
          {pendingTargets.length > 12 && <li className="muted">and {pendingTargets.length - 12} more</li>}
        </ul>
        {skipped > 0 && (
          <p className="muted">
            {plural(skipped, 'selected printer')} skipped: not in a state for this, or not yours to control.
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
