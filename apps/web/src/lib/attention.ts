import { ATTENTION_REASONS, type Attention, type DashboardPrinter } from '@farmhand/dashboard-messages';

export { ATTENTION_REASONS, type Attention };

/** The chip and card words for each reason a printer needs a hand (the server computes which: `live.attention`). */
export const ATTENTION_LABELS: Record<Attention, { chip: string; card: string }> = {
  failure_alert: { chip: 'Failure alert', card: 'Failure alert open' },
  error: { chip: 'Error', card: 'Printer error' },
  paused: { chip: 'Paused', card: 'Paused' },
  offline_printing: { chip: 'Offline mid-print', card: 'Offline with a print in progress' },
  awaiting_bed_clear: { chip: 'Clear bed', card: 'Bed to clear' },
};

/** The grid's attention filter (`?attention=`): any reason, or one. */
export type AttentionFilter = Attention | 'any' | '';

export function parseAttentionFilter(value: string | null): AttentionFilter {
  if (value === 'any') return 'any';
  return (ATTENTION_REASONS as readonly string[]).includes(value ?? '') ? (value as Attention) : '';
}

export function matchesAttention(printer: Pick<DashboardPrinter, 'live'>, filter: AttentionFilter): boolean {
  if (!filter) return true;
  const attention = printer.live.attention ?? null;
  return filter === 'any' ? attention !== null : attention === filter;
}

export function countAttention(printers: Array<Pick<DashboardPrinter, 'live'>>): Record<Attention, number> & {
  any: number;
} {
  const counts = Object.fromEntries(ATTENTION_REASONS.map((reason) => [reason, 0])) as Record<Attention, number>;
  let any = 0;
  for (const printer of printers) {
    const attention = printer.live.attention;
    if (!attention) continue;
    counts[attention]++;
    any++;
  }
  return { ...counts, any };
}

const RANK = new Map<Attention | null, number>(ATTENTION_REASONS.map((reason, index) => [reason, index]));

/**
 * The grid's order: printers that need a hand first, most urgent reason first, then the list's own order (names).
 * Stable, so ties keep the order they came in; a later sort (time left, risk) can be added as a second key here.
 */
export function compareForGrid(a: Pick<DashboardPrinter, 'live'>, b: Pick<DashboardPrinter, 'live'>): number {
  const rankA = RANK.get(a.live.attention ?? null) ?? ATTENTION_REASONS.length;
  const rankB = RANK.get(b.live.attention ?? null) ?? ATTENTION_REASONS.length;
  return rankA - rankB;
}

export function sortForGrid<T extends Pick<DashboardPrinter, 'live'>>(printers: T[]): T[] {
  return [...printers].sort(compareForGrid);
}
