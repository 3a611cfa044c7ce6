import { decodeFrames } from './octoprint-push';
import { fromCurrent, impliedPrintEvent, mapOctoPrintEvent, mapPrinterState } from './octoprint-state';

describe('OctoPrint state mapping', () => {
  it.each([
    [{ operational: true, ready: true }, 'Operational', 'operational'],
    [{ operational: true, printing: true }, 'Printing', 'printing'],
    [{ operational: true, printing: true, pausing: true }, 'Pausing', 'pausing'],
    [{ operational: true, paused: true }, 'Paused', 'paused'],
    [{ operational: true, printing: true, cancelling: true }, 'Cancelling', 'cancelling'],
    [{ closedOrError: true, error: true }, 'Offline after error', 'error'],
    [{ closedOrError: true }, 'Offline', 'offline'],
    [null, 'Offline', 'offline'],
    [null, 'Opening serial connection', 'connecting'],
    [null, 'Detecting baudrate', 'connecting'],
    [null, 'Something new', 'unknown'],
  ] as const)('maps %j / %s to %s', (flags, text, expected) => {
    expect(mapPrinterState(flags as Record<string, boolean> | null, text)).toBe(expected);
  });

  it('reads a current message defensively', () => {
    expect(fromCurrent({ state: 'weird', temps: 'nope', progress: { completion: 140 } })).toMatchObject({
      stateText: null,
      completion: 100,
    });
    expect(fromCurrent(null)).toEqual({});
    const update = fromCurrent({
      state: { text: 'Printing', flags: { printing: true, operational: 'yes' } },
      job: { file: { path: 'a/b.gcode', name: 'b.gcode' } },
      progress: { completion: 12.5, printTime: 61.4, printTimeLeft: -1 },
      currentZ: 1.2,
      temps: [{ tool0: { actual: 100, target: 200 } }, { tool0: { actual: 201.5, target: 200 }, bed: { actual: 'x' } }],
    });
    expect(update).toMatchObject({
      flags: { printing: true },
      filePath: 'a/b.gcode',
      completion: 12.5,
      printTime: 61,
      printTimeLeft: null,
      z: 1.2,
      tool0: { actual: 201.5, target: 200 },
      bed: { actual: null, target: null },
    });
    expect(update.flags).not.toHaveProperty('operational');
  });

  it('reports a cancel once, not as cancel plus failure', () => {
    expect(mapOctoPrintEvent('PrintCancelled', { path: 'a.gcode' })).toMatchObject({ type: 'print.cancelled' });
    expect(mapOctoPrintEvent('PrintFailed', { path: 'a.gcode', reason: 'cancelled' })).toBeNull();
    expect(mapOctoPrintEvent('PrintFailed', { path: 'a.gcode', reason: 'error' })).toMatchObject({
      type: 'print.failed',
      reason: 'error',
    });
    expect(mapOctoPrintEvent('SlicingDone', {})).toBeNull();
  });

  it('infers print events from state changes when events were missed', () => {
    expect(impliedPrintEvent('operational', 'printing', 0)).toBe('print.started');
    expect(impliedPrintEvent('printing', 'paused', 10)).toBe('print.paused');
    expect(impliedPrintEvent('paused', 'printing', 10)).toBe('print.resumed');
    expect(impliedPrintEvent('printing', 'operational', 100)).toBe('print.done');
    expect(impliedPrintEvent('cancelling', 'operational', 40)).toBe('print.cancelled');
    expect(impliedPrintEvent('printing', 'error', 40)).toBe('print.failed');
    expect(impliedPrintEvent('operational', 'offline', null)).toBeNull();
  });
});

describe('decodeFrames', () => {
  it('reads OctoPrint raw-websocket JSON and SockJS-framed arrays alike', () => {
    expect(decodeFrames('{"current":{"a":1}}')).toEqual([{ type: 'current', payload: { a: 1 } }]);
    expect(decodeFrames('a["{\\"event\\":{\\"type\\":\\"PrintDone\\"}}"]')).toEqual([
      { type: 'event', payload: { type: 'PrintDone' } },
    ]);
  });

  it.each(['o', 'h', 'c[3000,"Go away!"]', '{not json', '[1,2]', 'a["{broken"]', ''])('ignores %j', (frame) => {
    expect(decodeFrames(frame)).toEqual([]);
  });
});
