import { TRANSITION_MS, VirtualPrinter } from './virtual-printer';
import type { OctoPrintEvent } from './virtual-printer';

function setup(timeScale = 10) {
  let now = 1_000_000;
  const printer = new VirtualPrinter(0, { timeScale, now: () => now });
  const events: string[] = [];
  printer.on('event', (event: OctoPrintEvent) => {
    if (event.type !== 'PrinterStateChanged') events.push(event.type);
  });
  const advance = (ms: number) => {
    // Small steps, as the farm's 100 ms clock does.
    for (let step = 0; step < ms; step += 100) {
      now += Math.min(100, ms - step);
      printer.tick(now);
    }
  };
  return { printer, events, advance };
}

const gcode = (seconds: number) => Buffer.from(`;TIME:${seconds}\n;LAYER_COUNT:50\nM140 S65\nM104 S220\nG1 X1\n`);

describe('VirtualPrinter', () => {
  it('prints a file over its estimated time divided by the time scale', () => {
    const { printer, events, advance } = setup(10);
    printer.addFile('cube.gcode', gcode(100));
    printer.selectFile('cube.gcode', true);
    expect(printer.phase).toBe('printing');
    expect(printer.tool0.target).toBe(220);
    advance(5_000);
    expect(printer.completion()).toBeCloseTo(0.5, 1);
    expect(printer.currentZ()).toBeCloseTo(5, 0);
    advance(5_100);
    expect(printer.phase).toBe('operational');
    expect(printer.completion()).toBe(1);
    expect(events).toEqual(['FileAdded', 'UpdatedFiles', 'FileSelected', 'PrintStarted', 'PrintDone']);
  });

  it('heats toward the target and cools back to ambient', () => {
    const { printer, advance } = setup(10);
    printer.setTarget('tool0', 200);
    advance(30_000);
    expect(printer.tool0.actual).toBeGreaterThan(199);
    printer.setTarget('tool0', 0);
    advance(60_000);
    expect(printer.tool0.actual).toBeLessThan(23);
  });

  it('pauses through "pausing", resumes and cancels like OctoPrint', () => {
    const { printer, events, advance } = setup();
    printer.addFile('a.gcode', gcode(1_000));
    printer.selectFile('a.gcode', true);
    printer.pause('pause');
    expect(printer.phase).toBe('pausing');
    advance(TRANSITION_MS + 100);
    expect(printer.phase).toBe('paused');
    const pausedAt = printer.printTime;
    advance(1_000);
    expect(printer.printTime).toBe(pausedAt);
    printer.pause('toggle');
    expect(printer.phase).toBe('printing');
    printer.cancel();
    advance(TRANSITION_MS + 100);
    expect(printer.phase).toBe('operational');
    expect(events.slice(-5)).toEqual(['PrintStarted', 'PrintPaused', 'PrintResumed', 'PrintCancelled', 'PrintFailed']);
  });

  it('answers a start without a selected file by doing nothing', () => {
    const { printer } = setup();
    expect(printer.startPrint()).toBe(false);
    expect(printer.phase).toBe('operational');
  });

  it('refuses what OctoPrint refuses with 409', () => {
    const { printer } = setup();
    expect(() => printer.pause('pause')).toThrow(expect.objectContaining({ status: 409 }));
    expect(() => printer.cancel()).toThrow(expect.objectContaining({ status: 409 }));
    printer.addFile('a.gcode', gcode(100));
    printer.selectFile('a.gcode', true);
    expect(() => printer.jog({ x: 10 }, false)).toThrow(expect.objectContaining({ status: 409 }));
    expect(() => printer.startPrint()).toThrow(expect.objectContaining({ status: 409 }));
    expect(() => printer.addFile('a.gcode', gcode(5))).toThrow(expect.objectContaining({ status: 409 }));
    expect(() => printer.addFile('evil.sh', Buffer.from('rm -rf /'))).toThrow(expect.objectContaining({ status: 415 }));
  });

  it('fails a running print on a firmware error and ends offline after error', () => {
    const { printer, events } = setup();
    printer.addFile('a.gcode', gcode(100));
    printer.selectFile('a.gcode', true);
    printer.fail('Thermal Runaway');
    expect(printer.phase).toBe('error');
    expect(printer.isOperational()).toBe(false);
    expect(events.slice(-3)).toEqual(['PrintFailed', 'Error', 'Disconnected']);
  });

  it('connects through "connecting" and treats M112 as an emergency stop', () => {
    const { printer, events, advance } = setup();
    printer.disconnect();
    expect(() => printer.sendGcode(['M105'])).toThrow(expect.objectContaining({ status: 409 }));
    printer.connect();
    expect(printer.phase).toBe('connecting');
    advance(TRANSITION_MS + 100);
    expect(printer.phase).toBe('operational');
    expect(events).toEqual(['Disconnected', 'Connecting', 'Connected']);
    printer.sendGcode(['M140 S55', 'M112']);
    expect(printer.bed.target).toBe(0);
    expect(printer.phase).toBe('error');
  });
});
