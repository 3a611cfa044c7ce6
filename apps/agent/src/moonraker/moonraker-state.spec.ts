import { mapMoonrakerState, mergeDiff, printEventOf, progressOf } from './moonraker-state';

describe('Moonraker state mapping', () => {
  it.each([
    ['disconnected', null, 'offline'],
    ['startup', null, 'connecting'],
    ['shutdown', null, 'error'],
    ['error', null, 'error'],
    ['ready', 'standby', 'operational'],
    ['ready', 'printing', 'printing'],
    ['ready', 'paused', 'paused'],
    ['ready', 'complete', 'operational'],
    ['ready', 'cancelled', 'operational'],
    ['ready', 'error', 'operational'],
  ])('klippy %s + print_stats %s -> %s', (klippy, printStats, state) => {
    expect(mapMoonrakerState(klippy, printStats, 'why').state).toBe(state);
  });

  it.each([
    ['standby', 'printing', 'print.started'],
    ['complete', 'printing', 'print.started'],
    ['printing', 'paused', 'print.paused'],
    ['paused', 'printing', 'print.resumed'],
    ['printing', 'complete', 'print.done'],
    ['paused', 'cancelled', 'print.cancelled'],
    ['printing', 'error', 'print.failed'],
    ['standby', 'complete', null],
    ['printing', 'printing', null],
  ])('%s -> %s is %s', (from, to, event) => {
    expect(printEventOf(from, to)).toBe(event);
  });

  it('merges diffs field by field and reads progress from the file position first', () => {
    const objects = {};
    mergeDiff(objects, { virtual_sdcard: { progress: 0.25, is_active: true }, display_status: { progress: 0.3 } });
    mergeDiff(objects, { virtual_sdcard: { progress: 0.5 } });
    expect(objects).toEqual({ virtual_sdcard: { progress: 0.5, is_active: true }, display_status: { progress: 0.3 } });
    expect(progressOf(objects)).toBe(50);
    expect(progressOf({ display_status: { progress: 0.3 } })).toBe(30);
    expect(mergeDiff(objects, 'garbage')).toBe(false);
  });
});
