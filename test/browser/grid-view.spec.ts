import { OFFLINE_LIVE, type PrinterLive } from '@farmhand/dashboard-messages';
import { formatFinish, parseSort, sortPrinters, viewQueryOf } from '../../apps/web/src/lib/grid-view';

const printer = (name: string, live: Partial<PrinterLive>) => ({
  name,
  live: { ...OFFLINE_LIVE, online: true, state: 'printing', ...live },
});

describe("the grid's sorts and finish times", () => {
  const farm = [
    printer('P-10', { timeLeft: 600, failureScore: 0.2 }),
    printer('P-9', { timeLeft: null, failureScore: null, state: 'operational' }),
    printer('P-2', { timeLeft: 60, failureScore: 0.9, state: 'paused', attention: 'paused' }),
    printer('P-1', { timeLeft: 3_600, failureScore: 0.5, online: false }),
  ];
  const names = (sorted: Array<{ name: string }>) => sorted.map((entry) => entry.name);

  it('sorts by name with numbers as numbers, and breaks every tie by name', () => {
    expect(names(sortPrinters(farm, 'name'))).toEqual(['P-1', 'P-2', 'P-9', 'P-10']);
    expect(names(sortPrinters(farm, 'attention'))).toEqual(['P-2', 'P-1', 'P-9', 'P-10']);
  });

  it('puts the print that ends first and the likeliest failure first, nothing printing or unscored last', () => {
    expect(names(sortPrinters(farm, 'time'))).toEqual(['P-2', 'P-10', 'P-1', 'P-9']);
    expect(names(sortPrinters(farm, 'risk'))).toEqual(['P-2', 'P-1', 'P-10', 'P-9']);
    // Errors and pauses before printing, printing before ready, offline last.
    expect(names(sortPrinters(farm, 'state'))).toEqual(['P-2', 'P-10', 'P-9', 'P-1']);
  });

  it('reads an unknown sort as the default', () => {
    expect(parseSort('drop table')).toBe('attention');
    expect(parseSort('risk')).toBe('risk');
  });

  it('tells the finish as a time of day, with the weekday when it is not today', () => {
    const now = new Date(2026, 0, 5, 10, 0).getTime(); // a Monday, local time
    expect(formatFinish(90 * 60, now)).toMatch(/^11:30\b/); // a 12-hour locale adds AM
    expect(formatFinish(20 * 3600, now)).toMatch(/^Tue.*\b06:00\b/);
    expect(formatFinish(null, now)).toBeNull();
  });

  it('keeps only the keys a saved view holds, in a fixed order', () => {
    expect(viewQueryOf(new URLSearchParams('view=list&debug=1&sort=time&fleet=a'))).toBe('fleet=a&sort=time&view=list');
  });
});
