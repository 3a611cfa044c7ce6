import { formatClock, isTimeZone, localMinutes, nextDigestAt, parseClock, quietUntil } from './quiet-hours';

describe('quiet hours and digest times', () => {
  const at = (iso: string) => new Date(iso);

  it('reads local minutes in the member’s time zone', () => {
    expect(localMinutes(at('2026-12-07T01:30:00Z'), 'UTC')).toBe(90);
    expect(localMinutes(at('2026-12-07T01:30:00Z'), 'Europe/Berlin')).toBe(150);
    expect(localMinutes(at('2026-12-07T01:30:00Z'), 'America/New_York')).toBe(20 * 60 + 30);
  });

  it('holds until the end of a window that crosses midnight, in local time', () => {
    const start = parseClock('22:00');
    const end = parseClock('07:00');
    expect(quietUntil(at('2026-12-07T23:15:00Z'), 'UTC', start, end)).toEqual(at('2026-12-08T07:00:00Z'));
    expect(quietUntil(at('2026-12-07T03:00:00Z'), 'UTC', start, end)).toEqual(at('2026-12-07T07:00:00Z'));
    expect(quietUntil(at('2026-12-07T12:00:00Z'), 'UTC', start, end)).toBeNull();
    // 06:30 in Berlin is 05:30 UTC: quiet until 07:00 Berlin, 06:00 UTC.
    expect(quietUntil(at('2026-12-07T05:30:00Z'), 'Europe/Berlin', start, end)).toEqual(at('2026-12-07T06:00:00Z'));
  });

  it('has no quiet hours when unset or empty', () => {
    expect(quietUntil(at('2026-12-07T23:00:00Z'), 'UTC', null, null)).toBeNull();
    expect(quietUntil(at('2026-12-07T23:00:00Z'), 'UTC', 600, 600)).toBeNull();
  });

  it('files a digest for the next local digest hour', () => {
    expect(nextDigestAt(at('2026-12-07T05:10:00Z'), 'UTC', 8)).toEqual(at('2026-12-07T08:00:00Z'));
    expect(nextDigestAt(at('2026-12-07T09:10:00Z'), 'UTC', 8)).toEqual(at('2026-12-08T08:00:00Z'));
    expect(nextDigestAt(at('2026-12-07T08:00:00Z'), 'UTC', 8)).toEqual(at('2026-12-08T08:00:00Z'));
    expect(nextDigestAt(at('2026-12-07T05:10:00Z'), 'Europe/Berlin', 8)).toEqual(at('2026-12-07T07:00:00Z'));
  });

  it('knows IANA names and refuses anything else', () => {
    expect(['UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires'].map(isTimeZone)).toEqual([true, true, true]);
    expect(['Mars/Olympus', '', 'Europe/Berlin\u0000', '../etc'].map(isTimeZone)).toEqual([false, false, false, false]);
    expect(formatClock(parseClock('07:05'))).toBe('07:05');
  });
});
