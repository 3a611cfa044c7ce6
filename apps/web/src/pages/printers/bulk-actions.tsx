import type { DashboardPrinter } from '@farmhand/dashboard-messages';
import { useState } from 'react';
import { Button, ConfirmDialog, Notice } from '../../components/ui';
import { bedWaits } from '../../lib/bed-clear';
import { plural } from '../../lib/format';
import {
  PREHEAT_PRESETS,
  describeCommand,
  manualControlApplies,
  useBulkControlCommand,
  type ControlCommand,
} from '../../lib/manual-control';
import {
  ACTION_LABELS,
  BULK_ACTIONS,
  actionApplies,
  useBulkPrinterAction,
  type BulkAction,
  type BulkResult,
} from '../../lib/printer-actions';

/** The same refusal for many printers reads once, with the printers it concerns. */
function groupFailures(failures: BulkResult['failed']): Array<[string, string[]]> {
  const groups = new Map<string, string[]>();
  for (const { name, message } of failures) groups.set(message, [...(groups.get(message) ?? []), name]);
  return [...groups];
}

/**
 * Selection and bulk commands: select all shown, pause / resume / cancel the selected printers a command applies to
 * (after a confirmation naming them), and a result that groups the refusals.
 */
export function BulkActions({
  selectableVisible,
  selectedPrinters,
  selected,
  setSelected,
  may,
  mayClearBed,
  onClearBeds,
  onPrintOn,
}: {
  selectableVisible: DashboardPrinter[];
  selectedPrinters: DashboardPrinter[];
  selected: Set<string>;
  setSelected: (update: (current: Set<string>) => Set<string>) => void;
  may: (action: BulkAction | 'home' | 'temperature' | 'start', printer: DashboardPrinter) => boolean;
  mayClearBed: boolean;
  onClearBeds: (printers: DashboardPrinter[]) => void;
  /** Present when the user may queue jobs: "print this file on the selected printers" they may start prints on. */
  onPrintOn?: (printers: DashboardPrinter[]) => void;
}) {
  const bulk = useBulkPrinterAction();
  const [pending, setPending] = useState<BulkAction | null>(null);
  const allVisibleSelected =
    selectableVisible.length > 0 && selectableVisible.every((printer) => selected.has(printer.id));
  const targetsOf = (action: BulkAction) =>
    selectedPrinters.filter((printer) => may(action, printer) && actionApplies(action, printer));
  const pendingTargets = pending ? targetsOf(pending) : [];
  const skipped = pending ? selectedPrinters.length - pendingTargets.length : 0;
  const outcome = bulk.data;
  const bedsToClear = mayClearBed ? selectedPrinters.filter(bedWaits) : [];
  const control = useBulkControlCommand();
  const [preset, setPreset] = useState<string>(PREHEAT_PRESETS[0].material);
  const [pendingControl, setPendingControl] = useState<ControlCommand | null>(null);
  const controlTargets = (command: ControlCommand) =>
    selectedPrinters.filter(
      (printer) =>
        may(command.type === 'home' ? 'home' : 'temperature', printer) &&
        manualControlApplies(command.type, printer.live),
    );
  const printTargets = onPrintOn ? selectedPrinters.filter((printer) => may('start', printer)) : [];
  const mayHome = selectedPrinters.some((printer) => may('home', printer));
  const mayHeat = selectedPrinters.some((printer) => may('temperature', printer));
  const chosenPreset = PREHEAT_PRESETS.find((candidate) => candidate.material === preset) ?? PREHEAT_PRESETS[0];
  const preheat: ControlCommand = { type: 'temperature', tool: chosenPreset.tool, bed: chosenPreset.bed };
  const coolDown: ControlCommand = { type: 'temperature', tool: 0, bed: 0 };
  const home: ControlCommand = { type: 'home' };
  const pendingControlTargets = pendingControl ? controlTargets(pendingControl) : [];
  const controlOutcome = control.data;

  // The dialog closes at once: each card shows its command on its way, the result follows when all have answered.
  const confirm = () => {
    if (!pending) return;
    setPending(null);
    bulk.mutate(
      { printers: pendingTargets, action: pending },
      {
        onSuccess: ({ result }) => {
          if (!result.failed.length) setSelected(() => new Set());
        },
      },
    );
  };

  return (
    <>
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
            {bedsToClear.length > 0 && (
              <Button variant="primary" onClick={() => onClearBeds(bedsToClear)}>
                Mark {plural(bedsToClear.length, 'bed')} clear
              </Button>
            )}
            {onPrintOn && printTargets.length > 0 && (
              <Button onClick={() => onPrintOn(printTargets)}>
                Print a file on {plural(printTargets.length, 'printer')}
              </Button>
            )}
            {BULK_ACTIONS.filter((action) => selectedPrinters.some((printer) => may(action, printer))).map((action) => (
              <Button
                key={action}
                variant={action === 'cancel' ? 'danger' : 'secondary'}
                busy={bulk.isPending && bulk.variables?.action === action}
                disabled={targetsOf(action).length === 0}
                onClick={() => setPending(action)}
              >
                {action === 'cancel' ? 'Cancel prints' : ACTION_LABELS[action].verb} ({targetsOf(action).length})
              </Button>
            ))}
            {mayHome && (
              <Button disabled={!controlTargets(home).length} onClick={() => setPendingControl(home)}>
                Home ({controlTargets(home).length})
              </Button>
            )}
            {mayHeat && (
              <>
                <label className="toolbar-field">
                  <span className="visually-hidden">Preheat material</span>
                  <select className="input" value={preset} onChange={(event) => setPreset(event.target.value)}>
                    {PREHEAT_PRESETS.map((candidate) => (
                      <option key={candidate.material} value={candidate.material}>
                        {candidate.material} {candidate.tool}° / {candidate.bed}°
                      </option>
                    ))}
                  </select>
                </label>
                <Button disabled={!controlTargets(preheat).length} onClick={() => setPendingControl(preheat)}>
                  Preheat ({controlTargets(preheat).length})
                </Button>
                <Button disabled={!controlTargets(coolDown).length} onClick={() => setPendingControl(coolDown)}>
                  Cool down ({controlTargets(coolDown).length})
                </Button>
              </>
            )}
            <Button variant="ghost" onClick={() => setSelected(() => new Set())}>
              Clear selection
            </Button>
          </div>
        )}
      </div>

      {outcome && (
        <Notice tone={outcome.result.failed.length ? 'warning' : 'success'}>
          <div className="result-head">
            <span>
              {ACTION_LABELS[outcome.action].past} {plural(outcome.result.succeeded, 'printer')}
              {outcome.result.failed.length > 0 && `; ${outcome.result.failed.length} failed`}
            </span>
            <button type="button" className="link-button" onClick={() => bulk.reset()}>
              Dismiss
            </button>
          </div>
          {outcome.result.failed.length > 0 && (
            <ul className="failure-list">
              {groupFailures(outcome.result.failed).map(([message, names]) => (
                <li key={message}>
                  <strong>{message}</strong>: {names.slice(0, 8).join(', ')}
                  {names.length > 8 && ` and ${names.length - 8} more`}
                </li>
              ))}
            </ul>
          )}
        </Notice>
      )}

      {controlOutcome && (
        <Notice tone={controlOutcome.failed.length ? 'warning' : 'success'}>
          <div className="result-head">
            <span>
              {describeCommand(controlOutcome.command)}: {plural(controlOutcome.succeeded, 'printer')}
              {controlOutcome.failed.length > 0 && `; ${controlOutcome.failed.length} failed`}
            </span>
            <button type="button" className="link-button" onClick={() => control.reset()}>
              Dismiss
            </button>
          </div>
          {controlOutcome.failed.length > 0 && (
            <ul className="failure-list">
              {groupFailures(controlOutcome.failed).map(([message, names]) => (
                <li key={message}>
                  <strong>{message}</strong>: {names.slice(0, 8).join(', ')}
                  {names.length > 8 && ` and ${names.length - 8} more`}
                </li>
              ))}
            </ul>
          )}
        </Notice>
      )}

      <ConfirmDialog
        open={pendingControl !== null}
        title={
          pendingControl
            ? `${describeCommand(pendingControl)} on ${plural(pendingControlTargets.length, 'printer')}?`
            : ''
        }
        confirmLabel={pendingControl ? `${describeCommand(pendingControl)} (${pendingControlTargets.length})` : ''}
        busy={control.isPending}
        onConfirm={() => {
          if (!pendingControl) return;
          const command = pendingControl;
          setPendingControl(null);
          control.mutate({ printers: pendingControlTargets, command });
        }}
        onCancel={() => setPendingControl(null)}
      >
        <p>Only idle or paused printers take manual commands; the others are skipped.</p>
        <ul className="name-list">
          {pendingControlTargets.slice(0, 12).map((printer) => (
            <li key={printer.id}>{printer.name}</li>
          ))}
          {pendingControlTargets.length > 12 && <li className="muted">and {pendingControlTargets.length - 12} more</li>}
        </ul>
      </ConfirmDialog>

      <ConfirmDialog
        open={pending !== null}
        title={pending ? `${ACTION_LABELS[pending].verb} ${plural(pendingTargets.length, 'printer')}?` : ''}
        confirmLabel={pending ? `${ACTION_LABELS[pending].verb} ${plural(pendingTargets.length, 'printer')}` : ''}
        tone={pending === 'cancel' ? 'danger' : 'primary'}
        onConfirm={confirm}
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
    </>
  );
}
