const MINUTES_PER_DAY = 24 * 60;
const formats = new Map<string, Intl.DateTimeFormat>();

/** True for a time zone name this runtime knows (IANA names, `UTC`). */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Minutes after local midnight of `at` in the time zone. */
export function localMinutes(at: Date, timeZone: string): number {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}

/** `HH:MM` to minutes after midnight, and back. */
export function parseClock(value: string): number {
  const [hours, minutes] = value.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}
export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function startOfMinute(at: Date): number {
  return Math.floor(at.getTime() / 60_000) * 60_000;
}

/**
 * When the quiet hours around `now` end, or null when `now` is outside them. The window may cross midnight
 * (22:00–07:00); start equal to end means no quiet hours. Daylight saving shifts move the end by at most an hour.
 */
export function quietUntil(now: Date, timeZone: string, start: number | null, end: number | null): Date | null {
  if (start === null || end === null || start === end) return null;
  const minute = localMinutes(now, timeZone);
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  const wait = (end - minute + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return new Date(startOfMinute(now) + wait * 60_000);
}

/** The next local `hour`:00 after `now` (a full day later when it is that very minute). */
export function nextDigestAt(now: Date, timeZone: string, hour: number): Date {
  const wait = (hour * 60 - localMinutes(now, timeZone) + MINUTES_PER_DAY) % MINUTES_PER_DAY || MINUTES_PER_DAY;
  return new Date(startOfMinute(now) + wait * 60_000);
}
