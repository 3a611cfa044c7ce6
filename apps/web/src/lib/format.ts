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
    cancelling: 'Cancelling',
    error: 'Error',
    connecting: 'Connecting',
    offline: 'Disconnected',
    unknown: 'Unknown',
  };
  return labels[live.state] ?? live.state;
}
