export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
}

export function formatTemperature(actual: number | null, target: number | null): string {
  if (actual === null) return '—';
  const shown = `${Math.round(actual)}°`;
  return target ? `${shown} / ${Math.round(target)}°` : shown;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function formatDate(value: string | null | undefined): string {
  return value ? dateTime.format(new Date(value)) : '—';
}

const dateTimeSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A date and time to the second (audit rows: several changes can share a minute). */
export function formatDateSeconds(value: string | null | undefined): string {
  return value ? dateTimeSeconds.format(new Date(value)) : '—';
}

export function formatAgo(value: string | null | undefined, now = Date.now()): string {
  if (!value) return 'never';
  const seconds = Math.round((new Date(value).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return relative.format(seconds, 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86400), 'day');
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The grid's state buckets (colour and filter), from the live state when an agent is connected. */
export type StateBucket = 'printing' | 'paused' | 'error' | 'ready' | 'offline';

export function bucketOf(live: { online: boolean; state: string }): StateBucket {
  if (!live.online) return 'offline';
  switch (live.state) {
    case 'printing':
    case 'cancelling':
      return 'printing';
    case 'paused':
    case 'pausing':
    case 'resuming':
      return 'paused';
    case 'error':
      return 'error';
    case 'operational':
      return 'ready';
    default:
      return 'offline';
  }
}

export const BUCKET_LABELS: Record<StateBucket, string> = {
  printing: 'Printing',
  paused: 'Paused',
  error: 'Error',
  ready: 'Ready',
  offline: 'Offline',
};

export function stateLabel(live: { online: boolean; state: string }): string {
  if (!live.online) return 'Offline';
  const labels: Record<string, string> = {
    operational: 'Ready',
    printing: 'Printing',
    paused: 'Paused',
    pausing: 'Pausing',
    resuming: 'Resuming',
    cancelling: 'Cancelling',
    error: 'Error',
    connecting: 'Connecting',
    offline: 'Disconnected',
    unknown: 'Unknown',
  };
  return labels[live.state] ?? live.state;
}

/** Why a plate or an attempt needs a person, in words (the server's reasons are codes). */
const REASON_LABELS: Record<string, string> = {
  print_done: 'Finished print',
  print_failed: 'Failed print',
  print_cancelled: 'Cancelled print',
  cancelled_on_printer: 'Cancelled on the printer',
  cancelled_by_operator: 'Cancelled by an operator',
  job_cancelled: 'Job cancelled',
  printer_lost: 'Agent lost mid-print',
  printer_offline: 'Printer offline',
  file_missing: 'File missing',
  manual_print_done: 'Print started outside Farmhand (finished)',
  manual_print_failed: 'Print started outside Farmhand (failed)',
  manual_print_cancelled: 'Print started outside Farmhand (cancelled)',
  pinned_printer_removed: 'Its printer was deleted',
  pinned_printer_moved: 'Its printer left the fleets of the job',
};

export function reasonLabel(reason: string): string {
  const known = REASON_LABELS[reason];
  if (known) return known;
  const words = reason.replace(/[_-]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : reason;
}
