import { wholeMonths } from './report-queries.repository';

describe('wholeMonths (which days of a report the monthly rollups answer)', () => {
  it.each([
    ['2025-01-01', '2025-12-31', '2025-01-01', '2026-01-01'],
    ['2025-06-01', '2025-06-30', '2025-06-01', '2025-07-01'],
    ['2025-03-15', '2025-09-14', '2025-04-01', '2025-09-01'],
    ['2024-02-01', '2024-02-29', '2024-02-01', '2024-03-01'],
    ['2025-12-02', '2026-01-31', '2026-01-01', '2026-02-01'],
  ])('%s to %s: whole months [%s, %s)', (from, to, first, end) => {
    expect(wholeMonths(from, to)).toEqual({ first, end });
  });

  it.each([
    ['2025-03-10', '2025-03-10'],
    ['2025-03-02', '2025-04-29'],
    ['2025-02-01', '2025-02-27'],
  ])('%s to %s holds no whole month: the day after `to` both ways, so the daily rows answer it all', (from, to) => {
    const after = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(wholeMonths(from, to)).toEqual({ first: after, end: after });
  });
});
