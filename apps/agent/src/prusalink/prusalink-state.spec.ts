import { PRUSALINK_STATES, mapPrusaLinkState, progressPercent, prusaEventOf } from './prusalink-state';

describe('Prusa Link state mapping', () => {
  it.each([
    ['IDLE', false, 'operational'],
    ['READY', false, 'operational'],
    ['FINISHED', true, 'operational'],
    ['STOPPED', true, 'operational'],
    ['BUSY', false, 'connecting'],
    ['PRINTING', true, 'printing'],
    ['PAUSED', true, 'paused'],
    ['ATTENTION', true, 'paused'],
    ['ATTENTION', false, 'error'],
    ['ERROR', false, 'error'],
  ] as const)('%s (job: %s) is %s', (state, hasJob, expected) => {
    expect(mapPrusaLinkState(state, hasJob, null).state).toBe(expected);
  });

  it('covers every documented state and names an unknown one', () => {
    for (const state of PRUSALINK_STATES) expect(mapPrusaLinkState(state, false, null).state).not.toBe('unknown');
    expect(mapPrusaLinkState('WARMING', false, null)).toMatchObject({ state: 'unknown', stateText: 'WARMING' });
    expect(mapPrusaLinkState('ERROR', false, 'MINTEMP')).toMatchObject({ error: 'MINTEMP' });
  });

  it.each([
    [{ state: 'IDLE', jobId: null }, { state: 'PRINTING', jobId: 1 }, 'print.started'],
    [{ state: 'PRINTING', jobId: 1 }, { state: 'PAUSED', jobId: 1 }, 'print.paused'],
    [{ state: 'PAUSED', jobId: 1 }, { state: 'PRINTING', jobId: 1 }, 'print.resumed'],
    [{ state: 'PRINTING', jobId: 1 }, { state: 'ATTENTION', jobId: 1 }, 'print.paused'],
    [{ state: 'ATTENTION', jobId: 1 }, { state: 'PRINTING', jobId: 1 }, 'print.resumed'],
    [{ state: 'PRINTING', jobId: 1 }, { state: 'FINISHED', jobId: 1 }, 'print.done'],
    [{ state: 'PAUSED', jobId: 1 }, { state: 'STOPPED', jobId: 1 }, 'print.cancelled'],
    [{ state: 'PRINTING', jobId: 1 }, { state: 'ERROR', jobId: null }, 'print.failed'],
    [{ state: 'PRINTING', jobId: 1 }, { state: 'IDLE', jobId: null }, 'print.failed'],
    [{ state: 'PRINTING', jobId: 1 }, { state: 'PRINTING', jobId: 2 }, 'print.started'],
    [{ state: 'PRINTING', jobId: 1 }, { state: 'PRINTING', jobId: 1 }, null],
    [{ state: 'PRINTING', jobId: 1 }, { state: 'BUSY', jobId: 1 }, null],
    [{ state: 'FINISHED', jobId: 1 }, { state: 'IDLE', jobId: null }, null],
  ])('%j -> %j is %s', (from, to, expected) => {
    expect(prusaEventOf(from, to)).toBe(expected);
  });

  it('reads progress in percent, or as a fraction when the print times say so', () => {
    expect(progressPercent(42.5, 425, 575)).toBe(42.5);
    expect(progressPercent(0.425, 425, 575)).toBe(42.5);
    // 0.5 % early in a long print is percent, not a fraction.
    expect(progressPercent(0.5, 50, 9_950)).toBe(0.5);
    expect(progressPercent(0.3, null, null, 'fraction')).toBe(30);
    expect(progressPercent(0.3, 300, 700, 'percent')).toBe(0.3);
    expect(progressPercent('x', 1, 1)).toBeNull();
  });
});
