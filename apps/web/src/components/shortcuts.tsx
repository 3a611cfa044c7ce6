import { useEffect, useRef, useState } from 'react';
import { navigate } from '../lib/router';
import { Dialog } from './ui';

/** Keys typed into a field, or with a modifier, or while a dialog is open, are never shortcuts. */
export function isShortcutEvent(event: KeyboardEvent): boolean {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return false;
  const target = event.target as HTMLElement | null;
  if (target?.closest?.('input, textarea, select, [contenteditable="true"], [contenteditable=""]')) return false;
  return !document.querySelector('dialog[open]');
}

/** Single keys a page handles (`/`, `j`, `k`, `x` on the printers page); the latest handlers win. */
export function usePageShortcuts(handlers: Record<string, () => void>): void {
  const current = useRef(handlers);
  useEffect(() => {
    current.current = handlers;
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isShortcutEvent(event)) return;
      const handler = current.current[event.key];
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export const SHORTCUTS: Array<{ keys: string[]; what: string }> = [
  { keys: ['/'], what: 'Search printers' },
  { keys: ['j'], what: 'Next printer' },
  { keys: ['k'], what: 'Previous printer' },
  { keys: ['x'], what: 'Select or unselect the focused printer' },
  { keys: ['g', 'p'], what: 'Go to printers' },
  { keys: ['g', 'q'], what: 'Go to the queue' },
  { keys: ['?'], what: 'Show these shortcuts' },
];

/** `g` then a letter within this long navigates. */
const SEQUENCE_MS = 1_500;

/**
 * App-wide keys: `?` opens the list of shortcuts, `g p` / `g q` go to the printers / the queue. Rendered once by the
 * app shell; the dialog closes with Escape like every other.
 */
export function GlobalShortcuts({ base, mayReadJobs }: { base: string; mayReadJobs: boolean }) {
  const [helpOpen, setHelpOpen] = useState(false);
  useEffect(() => {
    let pendingG = 0;
    const onKey = (event: KeyboardEvent) => {
      if (!isShortcutEvent(event)) return;
      if (event.key === '?') {
        event.preventDefault();
        setHelpOpen(true);
        return;
      }
      if (event.key === 'g') {
        pendingG = Date.now();
        return;
      }
      const afterG = Date.now() - pendingG < SEQUENCE_MS;
      pendingG = 0;
      if (!afterG) return;
      if (event.key === 'p') navigate(`${base}/printers`);
      else if (event.key === 'q' && mayReadJobs) navigate(`${base}/queue`);
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [base, mayReadJobs]);
  return (
    <Dialog
      title="Keyboard shortcuts"
      open={helpOpen}
      onClose={() => setHelpOpen(false)}
      footer={
        <button type="button" onClick={() => setHelpOpen(false)}>
          Close
        </button>
      }
    >
      <dl className="shortcut-list">
        {SHORTCUTS.map(({ keys, what }) => (
          <div key={keys.join(' ')} className="shortcut-item">
            <dt>
              {keys.map((key, index) => (
                <span key={index}>
                  {index > 0 && ' then '}
                  <kbd>{key}</kbd>
                </span>
              ))}
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <p className="muted small">Shortcuts do nothing while you type in a field.</p>
    </Dialog>
  );
}
