import { SAVED_VIEW_PARAMS, type DashboardPrinter } from '@farmhand/dashboard-messages';
import { compareForGrid } from './attention';
import { bucketOf, type StateBucket } from './format';

/** How the grid orders printers (`?sort=`); `attention` (who needs a hand first) is the default. */
export const GRID_SORTS = ['attention', 'state', 'time', 'name', 'risk'] as const;
export type GridSort = (typeof GRID_SORTS)[number];

export const SORT_LABELS: Record<GridSort, string> = {
  attention: 'Needs a hand first',
  state: 'State',
  time: 'Time left',
  name: 'Name',
  risk: 'Failure risk',
};

/** Cards (the default) or a dense list (`?view=list`). */
export type GridMode = 'cards' | 'list';

export function parseSort(value: string | null): GridSort {
  return (GRID_SORTS as readonly string[]).includes(value ?? '') ? (value as GridSort) : 'attention';
}

export function parseMode(value: string | null): GridMode {
  return value === 'list' ? 'list' : 'cards';
}

const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const BUCKET_ORDER: StateBucket[] = ['error', 'paused', 'printing', 'ready', 'offline'];

type Sortable = Pick<DashboardPrinter, 'name' | 'live'>;

/** Nulls (nothing printing, not scored) after every value, whichever the direction. */
function nullsLast(a: number | null, b: number | null, direction: 1 | -1): number {
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  return (a - b) * direction;
}

const COMPARE: Record<GridSort, (a: Sortable, b: Sortable) => number> = {
  attention: compareForGrid,
  state: (a, b) => BUCKET_ORDER.indexOf(bucketOf(a.live)) - BUCKET_ORDER.indexOf(bucketOf(b.live)),
  // The print that ends first leads: the next plate to take off.
  time: (a, b) => nullsLast(a.live.timeLeft, b.live.timeLeft, 1),
  name: () => 0,
  // The likeliest failure leads.
  risk: (a, b) => nullsLast(a.live.failureScore, b.live.failureScore, -1),
};

/** Sorted by `sort`, ties by name (numbers in names compare as numbers: P-9 before P-10). */
export function sortPrinters<T extends Sortable>(printers: T[], sort: GridSort): T[] {
  const compare = COMPARE[sort];
  return [...printers].sort((a, b) => compare(a, b) || byName.compare(a.name, b.name));
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });

/** When a print with `secondsLeft` ends, as a time of day ("14:05"; with the weekday when not today). */
export function formatFinish(secondsLeft: number | null, now = Date.now()): string | null {
  if (secondsLeft === null || !Number.isFinite(secondsLeft)) return null;
  const end = new Date(now + secondsLeft * 1000);
  return end.toDateString() === new Date(now).toDateString() ? timeOfDay.format(end) : dayAndTime.format(end);
}

/** The grid's query parameters a saved view keeps (filters, sort, view mode), in the server's fixed order. */
export function viewQueryOf(params: URLSearchParams): string {
  const kept = new URLSearchParams();
  for (const name of SAVED_VIEW_PARAMS) {
    const value = params.get(name);
    if (value) kept.set(name, value);
  }
  return kept.toString();
}
